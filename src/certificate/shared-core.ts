import * as crypto from 'node:crypto';
import { STANDARD_IDS } from '../policy/types.js';
import { createCertificateCore } from './core.js';
import type { CoreConstants } from './core.js';
import { CERT_VERSION } from './types.js';

/** What the core needs to know about the product; also handed to bulk-verification workers. */
export const CORE_CONSTANTS: CoreConstants = { standardIds: STANDARD_IDS, certVersion: CERT_VERSION };

/** The main thread's instance of the verification core (see core.ts). */
export const core = createCertificateCore(crypto, CORE_CONSTANTS);
