import { headers } from 'next/headers';
import { runtime } from '@/server/runtime';
import { remoteAddressOf } from '@/server/http/remote-address';
import { describeWait } from '@/lib/auth/throttle';
import { AcceptInviteForm } from './AcceptInviteForm';

export const dynamic = 'force-dynamic';

/** An invite link: who it is for and in which project, and the form that sets the invitee's name and password. */
export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const preview = await runtime().services.members.preview(token, remoteAddressOf(await headers()));
  return (
    <div className="login card" data-testid="invite-page" data-state={preview.state}>
      <h1>Join Tandem</h1>
      {preview.state === 'open' && (
        <>
          <p>You are invited to <b>{preview.projectName}</b> as {preview.role === 'lead' ? 'a lead' : 'an annotator'}, with the email <b>{preview.email}</b>.</p>
          <p className="muted">Choose the name your team will see and a password; then log in with this email.</p>
          <AcceptInviteForm token={token} />
        </>
      )}
      {preview.state === 'closed' && <p className="error" role="alert">{preview.message}</p>}
      {preview.state === 'throttled' && <p className="error" role="alert">Too many invite links were tried from here. Try again in {describeWait(preview.waitMs)}.</p>}
    </div>
  );
}
