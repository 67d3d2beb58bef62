// The bundled entry of the rotate action (dist/action/rotate.js): the runner runs it as `node rotate.js`.
// Kept apart from ../rotate.ts so tests can import that module without running the action.
import { main } from '../rotate.js';

await main();
