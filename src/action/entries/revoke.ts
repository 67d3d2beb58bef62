// The bundled entry of the revoke action (dist/action/revoke.js): the runner runs it as `node revoke.js`.
// Kept apart from ../revoke.ts so tests can import that module without running the action.
import { main } from '../revoke.js';

await main();
