import type { LifecycleHooks } from '../lifecycle';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../../db/client';
import {
  clearEmbeddingModelEverywhere, deleteModel, EMBEDDING_MODEL_SETTING, findModel, insertModel, listModels, listProjectsUsingBuiltin, listProjectsUsingModel,
  sampleProjectImages, setProjectEmbeddingModel, type ModelRow,
} from '../../db/queries/models';
import { findProject } from '../../db/queries/projects';
import { countStandingLabels } from '../../db/queries/rankings';
import { enqueueJob } from '../../db/queries/training-jobs';
import { parseInput, TandemError } from '../../lib/errors';
import { idOrName } from '../../lib/protocol/ids';
import {
  AUTO_MAX_PIXEL_SIDE, BUILTIN_DESCRIPTIONS, BUILTIN_EMBEDDINGS, BUILTIN_PREFIX, chooseBuiltin, isColour, parseBuiltinRef,
  type BuiltinEmbeddingChoice, type BuiltinEmbeddingName, type ImageSample,
} from '../../lib/model/builtin-embeddings';
import { EmbeddingModelSpec, ModelOptions, modelNameFromFile } from '../../lib/model/onnx-spec';
import type { EmbeddingModelInfo, EmbeddingModelResponse } from '../../lib/protocol/worker';
import { inspectOnnxModel } from '../../workers/trainer/onnx-embedder';
import { decodeRgba } from '../../workers/trainer/pixels';
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

/** A built-in extractor (`tandem model list`), with the projects that chose it by name (others may get it from the auto rule). */
export interface BuiltinSummary {
  name: BuiltinEmbeddingName;
  ref: string;
  description: string;
  projects: { id: number; slug: string }[];
}

/** What a project embeds with after `use`: a registered model, a built-in it chose, or `auto` (the server picks a built-in from its images). */
export type ModelChoice = { kind: 'model'; model: ModelSummary } | { kind: 'builtin'; name: BuiltinEmbeddingName } | { kind: 'auto' };

/** Images the auto rule looks at per project. */
export const AUTO_SAMPLE = 16;

/** What happens to the project's model after a change: retrained now, on the job already open, or once it has labels. */
export type Retrain = 'queued' | 'next' | 'none';

/**
 * User-supplied ONNX models (`tandem model add|use|list|remove`): a file is
 * opened with onnxruntime-node and checked before anything is stored, kept in
 * the media store under its SHA-256, and named by a project's
 * `embeddingModel` setting; trainers fetch it over the worker protocol.
 * Models run code-like graphs inside the server and trainer: admins only.
 */
export function createModelService(db: Db, media: MediaStore, opts: { hooks?: Partial<Pick<LifecycleHooks, 'onJobQueued'>> } = {}) {
  const summarise = async (row: ModelRow): Promise<ModelSummary> => ({
    id: row.id, name: row.name, spec: EmbeddingModelSpec.parse(row.spec), createdAt: row.createdAt, projects: await listProjectsUsingModel(db, row.id),
  });

  async function resolveModel(ref: string): Promise<ModelRow> {
    const r = idOrName(ref, 'serial');
    const row = r && ('id' in r ? await findModel(db, r.id) : await findModel(db, r.name));
    if (!row) throw new TandemError('not_found', `no model "${ref}" (see \`tandem model list\`)`);
    return row;
  }

  /** A changed model changes every embedding: retrain now rather than after the next N labels. */
  async function retrain(projectId: number): Promise<Retrain> {
    const labels = await countStandingLabels(db, projectId);
    if (labels === 0) return 'none';
    const job = await enqueueJob(db, projectId, labels);
    if (!job) return 'next';
    opts.hooks?.onJobQueued?.(projectId);
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

  /**
   * Points a project at a registered model (name or id), at a built-in
   * (`builtin:pixels`, `builtin:mobilenet-v2`), or (`auto`, or null) back at
   * the default: the server picks a built-in from the project's images.
   */
  async function use(p: Principal, projectId: number, ref: string | null): Promise<{ choice: ModelChoice; retrain: Retrain }> {
    await requireProject(db, p, projectId, 'project.manage');
    let choice: ModelChoice;
    if (ref === null || ref === 'auto') {
      await setProjectEmbeddingModel(db, projectId, null);
      choice = { kind: 'auto' };
    } else if (ref.startsWith(BUILTIN_PREFIX)) {
      const name = parseBuiltinRef(ref);
      if (!name) throw new TandemError('bad_request', `no built-in "${ref}": use ${BUILTIN_EMBEDDINGS.map((b) => BUILTIN_PREFIX + b).join(' or ')}`);
      await setProjectEmbeddingModel(db, projectId, BUILTIN_PREFIX + name);
      choice = { kind: 'builtin', name };
    } else {
      const row = await resolveModel(ref);
      await setProjectEmbeddingModel(db, projectId, row.id);
      choice = { kind: 'model', model: await summarise(row) };
    }
    return { choice, retrain: await retrain(projectId) };
  }

  async function builtins(p: Principal): Promise<BuiltinSummary[]> {
    requireGlobal(p, 'projects.create');
    return Promise.all(BUILTIN_EMBEDDINGS.map(async (name) => ({
      name, ref: BUILTIN_PREFIX + name, description: BUILTIN_DESCRIPTIONS[name], projects: await listProjectsUsingBuiltin(db, BUILTIN_PREFIX + name),
    })));
  }

  /** The auto rule on a sample of the project's images: sizes from the database, colour decoded only when every image is small. */
  async function autoBuiltin(projectId: number): Promise<BuiltinEmbeddingChoice> {
    const rows = await sampleProjectImages(db, projectId, AUTO_SAMPLE);
    const small = rows.every((r) => Math.max(r.width, r.height) <= AUTO_MAX_PIXEL_SIDE);
    const samples: ImageSample[] = await Promise.all(rows.map(async (r) => ({
      width: r.width, height: r.height, colour: small ? isColour(decodeRgba(await media.read(r.media)).rgba) : null,
    })));
    return chooseBuiltin(samples);
  }

  async function list(p: Principal): Promise<ModelSummary[]> {
    requireGlobal(p, 'projects.create');
    return Promise.all((await listModels(db)).map(summarise));
  }

  /** Removes a model; projects that used it go back to the default, `auto` (and retrain). Its file goes too. */
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

  /** The project's setting: a registered model's row, a built-in it named, or null (auto). */
  async function projectSetting(w: WorkerPrincipal, projectId: number): Promise<{ row: ModelRow | null; builtin: BuiltinEmbeddingName | null }> {
    if (w.projectIds && !w.projectIds.includes(projectId)) throw new TandemError('forbidden', `this worker token is not scoped to project ${projectId}`);
    const project = await findProject(db, projectId);
    if (!project) throw new TandemError('not_found', `no project ${projectId}`);
    const value = project.settings[EMBEDDING_MODEL_SETTING];
    if (typeof value === 'number') return { row: (await findModel(db, value)) ?? null, builtin: null };
    return { row: null, builtin: typeof value === 'string' ? parseBuiltinRef(value) : null };
  }

  async function projectModel(w: WorkerPrincipal, projectId: number): Promise<ModelRow | null> {
    return (await projectSetting(w, projectId)).row;
  }

  /** The worker protocol's view: the project's model with where to download it, or null (a built-in). */
  async function forWorker(w: WorkerPrincipal, projectId: number): Promise<EmbeddingModelInfo | null> {
    const row = await projectModel(w, projectId);
    if (!row) return null;
    return { ...EmbeddingModelSpec.parse(row.spec), id: row.id, file: `/api/worker/v1/projects/${projectId}/embedding-model/file` };
  }

  /** `GET …/embedding-model`: the project's ONNX model, or the built-in it chose, or the one the auto rule picks from its images. */
  async function choiceForWorker(w: WorkerPrincipal, projectId: number): Promise<EmbeddingModelResponse> {
    const { row, builtin } = await projectSetting(w, projectId);
    if (row) return { model: { ...EmbeddingModelSpec.parse(row.spec), id: row.id, file: `/api/worker/v1/projects/${projectId}/embedding-model/file` } };
    if (builtin) return { model: null, builtin: { name: builtin, chosen: 'project', reason: `the project chose ${BUILTIN_PREFIX}${builtin}` } };
    return { model: null, builtin: await autoBuiltin(projectId) };
  }

  async function fileForWorker(w: WorkerPrincipal, projectId: number): Promise<{ bytes: Buffer; sha256: string }> {
    const row = await projectModel(w, projectId);
    if (!row) throw new TandemError('not_found', `project ${projectId} has no embedding model file (it embeds with a built-in extractor)`);
    return { bytes: await media.read(row.media), sha256: row.sha256 };
  }

  return { add, use, list, builtins, remove, forWorker, choiceForWorker, autoBuiltin, fileForWorker };
}

export type ModelService = ReturnType<typeof createModelService>;
