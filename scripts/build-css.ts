/**
 * `npm run build:css` (and `npm install`, through `prepare`): compiles src/styles/app.scss (GOV.UK Frontend with a
 * system font stack, and our styles) into build/css/app.css, which is git-ignored.
 */
import { buildStylesheet } from '../src/platform/stylesheet.ts';

const started = Date.now();
const { file, bytes } = buildStylesheet();
process.stdout.write(`Built ${file} (${Math.round(bytes / 1024)} KB) in ${Date.now() - started} ms\n`);
