import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * The project's only way into zod. It is zod/mini, not classic zod: classic builds its method
 * tables at start-up, which cost the action bundle ~40 ms before any work; mini's functions are
 * tree-shaken to what the schemas use.
 *
 * Unlike classic zod, zod/mini installs no locale, and every issue would read "Invalid input".
 * The messages the CLI, the issuer's API and the manifest checker show ("Too small: expected
 * string to have >=1 characters") are zod's English ones, so it is installed here, where every
 * schema module gets z from.
 */
config(en());

export * from 'zod/mini';
