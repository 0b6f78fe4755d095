import { ensureBuild } from '../../server/build';
import { createLogger } from '../../server/log';
import { ROOT } from '../fixtures/paths';

export default async function setup() {
  await ensureBuild(ROOT, createLogger('info', 'e2e-setup'));
}
