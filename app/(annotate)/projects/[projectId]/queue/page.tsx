import Link from 'next/link';
import { notFound } from 'next/navigation';
import { requireProjectPage } from '@/server/auth/guard';
import { runtime } from '@/server/runtime';
import { can } from '@/lib/roles';
import { STRATEGY_NAMES } from '@/lib/al/strategies';
import { BudgetStoppingForm } from '@/components/queue/BudgetStoppingForm';
import { HoldsTable } from '@/components/queue/HoldsTable';
import { ItemControlForm } from '@/components/queue/ItemControlForm';
import { PauseControl } from '@/components/queue/PauseControl';
import { Projection } from '@/components/queue/Projection';
import { QueueLive } from '@/components/queue/QueueLive';
import { SettingsForm } from '@/components/queue/SettingsForm';
import { SuggestionsToggle } from '@/components/queue/SuggestionsToggle';
import { resolveProjectSettings } from '@/lib/protocol/project-settings';
import { StoppedBanner } from '@/components/queue/StoppedBanner';
import { ExportForm } from '@/components/queue/ExportForm';
import { UploadArea } from '@/components/upload/UploadArea';
import type { Holder, QueueView } from '@/components/queue/types';
import { MembersPanel, type InviteRow, type MemberRow } from '@/components/members/MembersPanel';
import { GuidelinesEditor } from '@/components/guidelines/GuidelinesEditor';

export const dynamic = 'force-dynamic';

const STATE_TEXT: Record<QueueView['state'], string> = {
  open: 'dealing',
  paused: 'paused by a lead',
  stopped: 'stopped',
  'holdout-only': 'stopped: holdout items only',
  budget: 'budget in use: open leases hold the rest',
};

/** Steering the team queue while it runs: leads change settings and items, admins budgets and targets. */
export default async function QueuePage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const { user, id, project } = await requireProjectPage(projectId, 'queue');
  const { services } = runtime();
  const actor = { userRole: user.role, projectRole: project.role === 'admin' ? null : project.role };
  if (!can(actor, 'project.steer')) notFound();
  const admin = can(actor, 'project.manage');
  // Dates cross to the client components as ISO strings.
  const [view, holds, people] = await Promise.all([
    services.queueControls.overview(user.principal, id), services.queueControls.holds(user.principal, id), services.members.list(user.principal, id),
  ]).then(([v, h, m]) => JSON.parse(JSON.stringify([v, h, m])) as [QueueView, { holders: Holder[] }, { members: MemberRow[]; invites: InviteRow[] }]);
  const { budget } = view;

  return (
    <div className="queue-page" data-testid="queue-page" data-state={view.state}>
      <QueueLive projectId={id} />
      <header className="page-head">
        <h1>{project.name}: the queue</h1>
        <span>
          <Link href={`/projects/${id}/review`} className="button" data-testid="review-link">Review</Link>{' '}
          <Link href={`/projects/${id}/model`} className="button">Model</Link>{' '}
          <Link href={`/projects/${id}/items`} className="button">Items</Link>{' '}
          <Link href={`/projects/${id}/label`} className="button">Label</Link>
        </span>
      </header>

      {view.stopped && <StoppedBanner projectId={id} stopped={view.stopped} whenMet={view.stopping.whenMet} admin={admin} />}

      <section className="card" data-testid="queue-state">
        <h2>Dealing</h2>
        <p>
          The queue is <b data-testid="queue-state-text">{STATE_TEXT[view.state]}</b>.{' '}
          <PauseControl projectId={id} paused={view.paused} />
        </p>
        <dl className="facts">
          <dt>labels</dt>
          <dd data-testid="queue-budget-use">
            {budget.used} given, {budget.open} held now
            {budget.projectBudget !== null && <> · budget {budget.projectBudget}, <b>{budget.remaining}</b> left to deal</>}
            {budget.perAnnotatorBudget !== null && <> · at most {budget.perAnnotatorBudget} per annotator</>}
          </dd>
          <dt>still needed</dt>
          <dd><Projection projection={view.projection} target={view.stopping.metric?.atLeast} /></dd>
          <dt>item controls</dt>
          <dd data-testid="queue-controls-count">{view.controls.counts.pin} pinned · {view.controls.counts.boost} boosted · {view.controls.counts.exclude} excluded</dd>
        </dl>
      </section>

      {can(actor, 'project.import') && (
        <section className="card" id="add-data">
          <h2>Add data</h2>
          <UploadArea projectId={id} task={project.task} />
        </section>
      )}

      <section className="card">
        <h2>Settings</h2>
        <p className="muted">Shares are fractions of the items dealt (0.2 = 1 in 5); together they may not exceed 1. Open streams follow at their next batch.</p>
        <SettingsForm projectId={id} settings={view.settings} strategies={STRATEGY_NAMES} />
        {project.task.task === 'classification' && <SuggestionsToggle projectId={id} on={resolveProjectSettings(project.settings).labeling.suggestions} />}
      </section>

      <section className="card">
        <h2>Items</h2>
        <ItemControlForm projectId={id} />
      </section>

      <section className="card">
        <h2>Export</h2>
        <ExportForm projectId={id} task={project.task} />
      </section>

      <section className="card" id="members">
        <h2>Members</h2>
        <MembersPanel projectId={id} members={people.members} invites={people.invites} admin={admin} viewerId={user.id} />
      </section>

      <section className="card" id="guidelines">
        <h2>Guidelines</h2>
        <p className="muted">Annotators see these on their first visit to the labeling page, and again whenever you change them; the <kbd>?</kbd> sheet and a link below the image open them any time.</p>
        <GuidelinesEditor projectId={id} classes={'classes' in project.task.config ? project.task.config.classes : []} guidelines={project.guidelines ?? null} />
      </section>

      <section className="card">
        <h2>Who holds what</h2>
        <HoldsTable projectId={id} holders={holds.holders} />
      </section>

      {admin && (
        <section className="card">
          <h2>Budget and stopping targets</h2>
          <p className="muted">Open leases count against the budget, so it is never overshot. The server checks the targets after every model version.</p>
          <BudgetStoppingForm projectId={id} budget={budget} stopping={view.stopping} />
        </section>
      )}
    </div>
  );
}
