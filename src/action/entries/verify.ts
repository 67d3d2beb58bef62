// The bundled entry of the verify action (dist/action/verify.js): the runner runs it as `node verify.js`.
// Kept apart from ../verify.ts so tests can import that module without running the action.
import { main } from '../verify.js';

await main();
