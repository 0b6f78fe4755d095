import { InvalidArgumentError, Option, type Command } from 'commander';
import type { ModelOptions } from '../../lib/model/onnx-spec';
import { LAYOUTS, MAX_INPUT_SIZE } from '../../lib/model/onnx-spec';
import { AUTO_MAX_PIXEL_SIDE } from '../../lib/model/builtin-embeddings';
import type { Services } from '../services';
import { SYSTEM } from '../services/access';
import type { ModelChoice, ModelSummary, Retrain } from '../services/models';
import type { CliIO } from './commands';

const integer = (name: string, min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
  return n;
};

const numbers = (name: string) => (v: string) => {
  const xs = v.split(',').map((x) => Number(x.trim()));
  if (xs.length < 1 || xs.length > 3 || xs.some((x) => !Number.isFinite(x))) throw new InvalidArgumentError(`${name} takes 1 or 3 numbers separated by commas, e.g. 0.485,0.456,0.406`);
  return xs;
};

const kb = (bytes: number) => (bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MB` : `${(bytes / 1024).toFixed(1)} KB`);

export function describeModel(m: ModelSummary): string {
  const i = m.spec.input;
  return `${m.name} (id ${m.id}): input ${i.name} ${i.layout} ${i.channels}×${i.size}×${i.size}, output ${m.spec.output.name} ${m.spec.output.dim}-d, `
    + `${kb(m.spec.bytes)}, sha256 ${m.spec.sha256.slice(0, 12)}…`;
}

function describeChoice(c: ModelChoice): string {
  switch (c.kind) {
    case 'model': return c.model.name;
    case 'builtin': return `the built-in ${c.name === 'pixels' ? 'raw pixels (PCA)' : c.name}`;
    case 'auto': return `the built-in the server picks from its images (${AUTO_RULE})`;
  }
}

export const AUTO_RULE = `mobilenet-v2 for colour images or any larger than ${AUTO_MAX_PIXEL_SIDE} px, else raw pixels`;

const retrainText: Record<Retrain, string> = {
  queued: 'a retrain is queued',
  next: 'the retrain running now still uses the previous features; the next one uses the new ones',
  none: 'it takes effect once the project has labels',
};

/**
 * `tandem model add|use|list|remove`: user-supplied ONNX embedding models.
 * Registered by buildProgram, so they run in the terminal or inside the
 * server that owns the embedded database, like every other command.
 */
export function registerModelCommands(program: Command, io: CliIO, services: () => Promise<Services>, resolvePath: (p: string) => string): void {
  const model = program.command('model').description('the embedding a project\'s trainer uses: a built-in (raw pixels, MobileNetV2) or a user-supplied ONNX model');

  model.command('add <project> <file>')
    .description('check an ONNX image embedding model with onnxruntime, store it and make it the project\'s embedding model')
    .option('--name <name>', 'name to list it under (default: the file name)')
    .option('--input-size <n>', 'image side, when the model leaves it open (default 224)', integer('--input-size', 1, MAX_INPUT_SIZE))
    .addOption(new Option('--channels <n>', 'image channels, when the model leaves them open (default 3)').choices(['1', '3']))
    .addOption(new Option('--layout <layout>', 'input layout (default: guessed from the shape)').choices([...LAYOUTS]))
    .option('--mean <values>', 'per-channel mean on the 0–1 scale (default ImageNet\'s for 3 channels, 0 for 1)', numbers('--mean'))
    .option('--std <values>', 'per-channel std on the 0–1 scale (default ImageNet\'s for 3 channels, 1 for 1)', numbers('--std'))
    .option('--output <name>', 'the output that is the embedding (default: the first)')
    .action(async (ref: string, file: string, o: { name?: string; inputSize?: number; channels?: string; layout?: 'NCHW' | 'NHWC'; mean?: number[]; std?: number[]; output?: string }) => {
      const s = await services();
      const project = await s.projects.resolve(ref);
      const options: ModelOptions = {
        name: o.name, inputSize: o.inputSize, channels: o.channels === undefined ? undefined : (Number(o.channels) as 1 | 3),
        layout: o.layout, mean: o.mean, std: o.std, output: o.output,
      };
      const done = await s.models.add(SYSTEM, project.id, resolvePath(file), Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)));
      io.out(`${done.created ? 'added' : 'reused'} model ${describeModel(done.model)}`);
      io.out(`${project.slug} now embeds its images with ${done.model.name}; ${retrainText[done.retrain]}`);
    });

  model.command('use <project> <model>')
    .description('set the project\'s embedding: a registered model (name or id), builtin:mobilenet-v2, builtin:pixels (`none` is the same), or auto (the default: '
      + `${AUTO_RULE})`)
    .action(async (ref: string, modelRef: string) => {
      const s = await services();
      const project = await s.projects.resolve(ref);
      const done = await s.models.use(SYSTEM, project.id, modelRef === 'none' ? 'builtin:pixels' : modelRef);
      io.out(`${project.slug} now embeds its images with ${describeChoice(done.choice)}; ${retrainText[done.retrain]}`);
    });

  model.command('list').description('list the built-in extractors and the registered models, with the projects that use them').action(async () => {
    const s = await services();
    const [builtins, rows] = [await s.models.builtins(SYSTEM), await s.models.list(SYSTEM)];
    for (const b of builtins) io.out(`   -  ${b.ref}: ${b.description}  projects: ${b.projects.map((p) => p.slug).join(', ') || 'none by name'}`);
    io.out(`      projects that name none (auto): ${AUTO_RULE}`);
    if (rows.length === 0) io.out('no models yet: tandem model add PROJECT FILE.onnx');
    for (const m of rows) io.out(`${String(m.id).padStart(4)}  ${describeModel(m)}  projects: ${m.projects.map((p) => p.slug).join(', ') || 'none'}`);
  });

  model.command('remove <model>').description('remove a model (name or id); projects that used it go back to auto')
    .action(async (ref: string) => {
      const { model: m, retrains } = await (await services()).models.remove(SYSTEM, ref);
      const used = Object.entries(retrains);
      io.out(`removed model ${m.name}${used.length ? `; ${used.map(([slug, r]) => `${slug} is back on auto (${retrainText[r]})`).join('; ')}` : ''}`);
    });
}
