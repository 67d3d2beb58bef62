// The bundled entry of the certify action (dist/action/certify.js): the runner runs it as `node certify.js`.
// Kept apart from ../certify.ts so tests can import that module without running the action.
import { main } from '../certify.js';

await main();
