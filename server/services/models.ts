import fs from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../../db/client';
import {
  clearEmbeddingModelEverywhere, deleteModel, EMBEDDING_MODEL_SETTING, findModel, insertModel, listModels, listProjectsUsingModel,
  setProjectEmbeddingModel, type ModelRow,
} from '../../db/queries/models';
import { findProject } from '../../db/queries/projects';
import { countStandingLabels } from '../../db/queries/rankings';
import { enqueueJob } from '../../db/queries/training-jobs';
import { parseInput, TandemError } from '../../lib/errors';
import { EmbeddingModelSpec, ModelOptions, modelNameFromFile } from '../../lib/model/onnx-spec';
import type { EmbeddingModelInfo } from '../../lib/protocol/worker';
import { inspectOnnxModel } from '../../workers/trainer/onnx-embedder';
import { sha256, type MediaStore } from '../media';
import { requireGlobal, requireProject, type Principal } from './access';
import { isUniqueViolation } from './pg-errors';
import type { WorkerPrincipal } from './training';

export interface ModelSummary {
  id: number;
  name: string;
  spec: EmbeddingModelSpec;
  createdAt: Date;
  /** Projects that embed with it. */
  projects: { id: number; slug: string }[];
}

/** What happens to the project's model after a change: retrained now, on the job already open, or once it has labels. */
export type Retrain = 'queued' | 'next' | 'none';

/**
 * User-supplied ONNX models (`tandem model add|use|list|remove`): a file is
 * opened with onnxruntime-node and checked before anything is stored, kept in
 * the media store under its SHA-256, and named by a project's
 * `embeddingModel` setting; trainers fetch it over the worker protocol.
 * Models run code-like graphs inside the server and trainer: admins only.
 */
export function createModelService(db: Db, media: MediaStore, opts: { onJobQueued?(projectId: number): void } = {}) {
  const summarise = async (row: ModelRow): Promise<ModelSummary> => ({
    id: row.id, name: row.name, spec: EmbeddingModelSpec.parse(row.spec), createdAt: row.createdAt, projects: await listProjectsUsingModel(db, row.id),
  });

  async function resolveModel(ref: string): Promise<ModelRow> {
    const row = /^\d+$/.test(ref) ? await findModel(db, Number(ref)) : await findModel(db, ref);
    if (!row) throw new TandemError('not_found', `no model "${ref}" (see \`tandem model list\`)`);
    return row;
  }

  /** A changed model changes every embedding: retrain now rather than after the next N labels. */
  async function retrain(projectId: number): Promise<Retrain> {
    const labels = await countStandingLabels(db, projectId);
    if (labels === 0) return 'none';
    const job = await enqueueJob(db, projectId, labels);
    if (!job) return 'next';
    opts.onJobQueued?.(projectId);
    return 'queued';
  }

  /**
   * Reads the ONNX file at `file`, checks that onnxruntime loads and runs it
   * as an image embedder, stores it and makes it the project's embedding
   * model. The same file added again under its name is reused; another file
   * under a taken name is a conflict. A bad file stores nothing.
   */
  async function add(p: Principal, projectId: number, file: string, options: ModelOptions = {}): Promise<{ model: ModelSummary; created: boolean; retrain: Retrain }> {
    requireGlobal(p, 'projects.create');
    await requireProject(db, p, projectId, 'project.manage');
    const o = parseInput(ModelOptions, options, 'model options');
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new TandemError('bad_request', `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (e as Error).message}`);
    }
    if (bytes.length === 0) throw new TandemError('bad_request', `${file} is empty`);
    const hash = sha256(bytes);
    const name = o.name ?? modelNameFromFile(file);
    const existing = await findModel(db, name);
    if (existing && existing.sha256 !== hash) {
      throw new TandemError('conflict', `a model named "${name}" exists already with another file — give --name, or \`tandem model remove ${name}\` first`);
    }
    const spec = await inspectOnnxModel(bytes, { name: path.basename(file), sha256: hash }, { ...o, name });
    if (existing && JSON.stringify(EmbeddingModelSpec.parse(existing.spec)) !== JSON.stringify(spec)) {
      throw new TandemError('conflict', `model "${name}" exists already with other input settings — give another --name, or \`tandem model remove ${name}\` first`);
    }
    let row = existing;
    if (!row) {
      const { key } = await media.put(bytes, 'onnx');
      try {
        row = await db.transaction(async (tx) => {
          const made = await insertModel(tx, { name, kind: spec.kind, sha256: hash, media: key, bytes: bytes.length, spec });
          await setProjectEmbeddingModel(tx, projectId, made.id);
          return made;
        });
      } catch (e) {
        if (isUniqueViolation(e)) throw new TandemError('conflict', `a model named "${name}" was added meanwhile — run the command again`);
        throw e;
      }
    } else {
      await setProjectEmbeddingModel(db, projectId, row.id);
    }
    return { model: await summarise(row), created: !existing, retrain: await retrain(projectId) };
  }

  /** Points a project at a registered model, or (null) back at raw pixels. */
  async function use(p: Principal, projectId: number, ref: string | null): Promise<{ model: ModelSummary | null; retrain: Retrain }> {
    await requireProject(db, p, projectId, 'project.manage');
    const row = ref === null ? null : await resolveModel(ref);
    await setProjectEmbeddingModel(db, projectId, row?.id ?? null);
    return { model: row ? await summarise(row) : null, retrain: await retrain(projectId) };
  }

  async function list(p: Principal): Promise<ModelSummary[]> {
    requireGlobal(p, 'projects.create');
    return Promise.all((await listModels(db)).map(summarise));
  }

  /** Removes a model; projects that used it go back to raw pixels (and retrain). Its file goes too. */
  async function remove(p: Principal, ref: string): Promise<{ model: ModelSummary; retrains: Record<string, Retrain> }> {
    requireGlobal(p, 'projects.create');
    const row = await resolveModel(ref);
    const model = await summarise(row);
    await db.transaction(async (tx) => {
      await clearEmbeddingModelEverywhere(tx, row.id);
      await deleteModel(tx, row.id);
    });
    // Another model may be the same file under another name: then the file stays.
    if (!(await listModels(db)).some((m) => m.media === row.media)) await media.remove(row.media);
    const retrains: Record<string, Retrain> = {};
    for (const pr of model.projects) retrains[pr.slug] = await retrain(pr.id);
    return { model, retrains };
  }

  async function projectModel(w: WorkerPrincipal, projectId: number): Promise<ModelRow | null> {
    if (w.projectIds && !w.projectIds.includes(projectId)) throw new TandemError('forbidden', `this worker token is not scoped to project ${projectId}`);
    const project = await findProject(db, projectId);
    if (!project) throw new TandemError('not_found', `no project ${projectId}`);
    const id = project.settings[EMBEDDING_MODEL_SETTING];
    return typeof id === 'number' ? (await findModel(db, id)) ?? null : null;
  }

  /** The worker protocol's view: the project's model with where to download it, or null (raw pixels). */
  async function forWorker(w: WorkerPrincipal, projectId: number): Promise<EmbeddingModelInfo | null> {
    const row = await projectModel(w, projectId);
    if (!row) return null;
    return { ...EmbeddingModelSpec.parse(row.spec), id: row.id, file: `/api/worker/v1/projects/${projectId}/embedding-model/file` };
  }

  async function fileForWorker(w: WorkerPrincipal, projectId: number): Promise<{ bytes: Buffer; sha256: string }> {
    const row = await projectModel(w, projectId);
    if (!row) throw new TandemError('not_found', `project ${projectId} has no embedding model (it trains on raw pixels)`);
    return { bytes: await media.read(row.media), sha256: row.sha256 };
  }

  return { add, use, list, remove, forWorker, fileForWorker };
}

export type ModelService = ReturnType<typeof createModelService>;
