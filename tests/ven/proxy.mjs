// proxy.mjs: the validating proxy (and the stateless mock) the VEN's tests put between the
// daemon's VEN and a VTN (tests/ven/README.md). Both are Stoplight Prism's HTTP engine
// (@stoplight/prism-http, the one `prism proxy` and `prism mock` run) on a temporary copy of the
// specification's OpenAPI document; this file only loads the copy, serves HTTP on loopback and
// writes down what Prism says.
//
//   node proxy.mjs --upstream URL | --mock   [--spec FILE] [--base /openadr3/3.1.0]
//                  [--port N] [--port-file FILE] [--violations FILE] [--log FILE]
//                  [--workdir DIR] [--errors]
//
// --upstream URL: proxy mode. Every request is checked against the document (security, path,
//   query, headers, body), forwarded to URL + path as it came, and the answer is checked against
//   the document (status, media type, body) before it goes back unchanged. The VTN's root is
//   URL: the proxy serves the document's paths under --base and forwards the path whole, so
//   the VEN is configured with http://127.0.0.1:PORT/openadr3/3.1.0 as it would be with a real
//   VTN. X-Forwarded-Host and X-Forwarded-Proto tell the VTN the address the VEN sees (the test
//   VTN builds its tokenURL from them, so the token request comes through the proxy too).
// --mock: Prism's stateless mock of the document (static examples), under --base as well.
//   Requests are checked as in proxy mode; what the mock itself answers is logged, not counted.
//
// Every violation that counts (severity error or warning; a route the document does not have;
// an upstream that does not answer) is one JSON line in --violations: {t, method, path, status,
// where ("request", "response", "route" or "proxy"), severity, location, message}. Tests fail
// when that file is not empty. --log gets one JSON line per exchange with every validation of
// any severity. --errors: a request that violates the document is answered 422 (401 for
// security) by Prism and not forwarded (default: forwarded, so one run shows every violation).
//
// The temporary copy (--workdir, default a new directory under $TMPDIR; its path is printed)
// differs from ../shared/specs/openadr3/3.1.0/openadr3.yaml only where the document cannot be
// used as written; each fix is asserted to apply exactly once:
//  1. problem.status has `maximum: 600, exclusiveMaximum: true` (OpenAPI 3.0's boolean form,
//     which JSON Schema draft 6 and later, and so Prism's ajv, reject): `maximum: 599`, the
//     same set of integers.
//  2. the `ven` and `resource` response schemas are allOf(objectMetadata, Bl...Request): the
//     first requires objectType in [PROGRAM, EVENT, REPORT, SUBSCRIPTION, VEN, RESOURCE], the
//     second objectType BL_VEN_REQUEST (BL_RESOURCE_REQUEST), so no object can satisfy both and
//     every ven answer would be a violation. Definition.md says a ven object's objectType is
//     VEN (a resource's RESOURCE): the copy keeps every other constraint of Bl...Request and
//     requires objectType VEN (RESOURCE).
//  3. paths are served under --base; `servers` is the proxy itself; authServerInfo.tokenURL
//     gets the proxy's own token URL as example, so the mock never sends a VEN off this host.
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import YAML from 'yaml';

const require = createRequire(import.meta.url);
const Prism = require('@stoplight/prism-http');
const { createLogger } = require('@stoplight/prism-core');

const here = path.dirname(fileURLToPath(import.meta.url));
const opt = {
    spec: path.resolve(here, '../../../shared/specs/openadr3/3.1.0/openadr3.yaml'),
    base: '/openadr3/3.1.0', port: 0, portFile: null, violations: null, log: null,
    workdir: null, upstream: null, mock: false, errors: false,
};
for (let i = 2; i < process.argv.length; i++) {
    const a = process.argv[i], v = process.argv[i + 1];
    const need = () => { if (v === undefined) die(`${a} needs a value`); i++; return v; };
    if (a === '--spec') opt.spec = need();
    else if (a === '--base') opt.base = need().replace(/\/+$/, '');
    else if (a === '--port') opt.port = Number(need());
    else if (a === '--port-file') opt.portFile = need();
    else if (a === '--violations') opt.violations = need();
    else if (a === '--log') opt.log = need();
    else if (a === '--workdir') opt.workdir = need();
    else if (a === '--upstream') opt.upstream = need();
    else if (a === '--mock') opt.mock = true;
    else if (a === '--errors') opt.errors = true;
    else die(`unknown argument '${a}' (see the head of tests/ven/proxy.mjs)`);
}
if (!opt.mock === !opt.upstream) die('give exactly one of --upstream URL and --mock');
if (opt.upstream) {
    let u;
    try { u = new URL(opt.upstream); } catch { die(`--upstream is not a URL: '${opt.upstream}'`); }
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname))
        die('--upstream must be on loopback');
    if (u.pathname !== '/')
        die(`--upstream is the VTN's root (the path is forwarded whole), not ${u.pathname}`);
}
if (!Number.isInteger(opt.port) || opt.port < 0 || opt.port > 65535) die('--port wants 0-65535');
if (opt.base !== '' && !/^\/[A-Za-z0-9._~\/-]*$/.test(opt.base)) die(`bad --base '${opt.base}'`);
function die(msg) { process.stderr.write(`proxy: ${msg}\n`); process.exit(2); }
const append = (file, obj) => { if (file) fs.appendFileSync(file, JSON.stringify(obj) + '\n'); };
if (opt.violations) fs.writeFileSync(opt.violations, '');

// ---- the temporary copy of the document ---------------------------------------------------
function fixSpec(doc, selfUrl) {
    const sch = doc?.components?.schemas;
    if (!sch) throw new Error('the document has no components.schemas');
    // 1. exclusiveMaximum: true
    const st = sch.problem?.properties?.status;
    if (!st || st.exclusiveMaximum !== true || st.maximum !== 600)
        throw new Error('fix 1: problem.status is no longer {maximum: 600, exclusiveMaximum: true}:'
            + ' review the fix');
    delete st.exclusiveMaximum;
    st.maximum = 599;
    const left = JSON.stringify(doc).match(/"exclusiveM(ax|in)imum":(true|false)/g);
    if (left) throw new Error(`fix 1: ${left.length} more boolean exclusiveMaximum/Minimum`);
    // 2. ven and resource
    const ref = name => `#/components/schemas/${name}`;
    for (const [obj, bl, type] of [['ven', 'BlVenRequest', 'VEN'],
        ['resource', 'BlResourceRequest', 'RESOURCE']]) {
        const all = sch[obj]?.allOf;
        if (!Array.isArray(all) || all.length !== 2 || all[0].$ref !== ref('objectMetadata')
            || all[1].$ref !== ref(bl)
            || sch[bl]?.properties?.objectType?.enum?.[0] !== `BL_${type}_REQUEST`)
            throw new Error(`fix 2: ${obj} is no longer allOf(objectMetadata, ${bl}): review it`);
        const copy = structuredClone(sch[bl]);
        copy.description = `${bl} with objectType ${type} (proxy.mjs, fix 2)`;
        copy.properties.objectType = { type: 'string', enum: [type] };
        sch[`${obj}Fields`] = copy;
        all[1] = { $ref: ref(`${obj}Fields`) };
    }
    // 3. under the base path, served here
    const paths = {};
    for (const [p, item] of Object.entries(doc.paths)) paths[opt.base + p] = item;
    doc.paths = paths;
    doc.servers = [{ url: selfUrl, description: 'tests/ven/proxy.mjs' }];
    const asi = sch.authServerInfo?.properties?.tokenURL;
    if (!asi) throw new Error('fix 3: authServerInfo.tokenURL is gone');
    asi.example = `${selfUrl}${opt.base}/auth/token`;
    return doc;
}

// ---- serving ------------------------------------------------------------------------------
const server = http.createServer();
await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opt.port, '127.0.0.1', resolve);
});
const port = server.address().port;
const selfUrl = `http://127.0.0.1:${port}`;
const workdir = opt.workdir || fs.mkdtempSync(path.join(os.tmpdir(), 'gs_oadr_spec.'));
fs.mkdirSync(workdir, { recursive: true });
const fixedPath = path.join(workdir, 'openadr3.fixed.json');
let operations;
try {
    const doc = YAML.parse(fs.readFileSync(opt.spec, 'utf8'));
    fs.writeFileSync(fixedPath, JSON.stringify(fixSpec(doc, selfUrl), null, 1));
    operations = await Prism.getHttpOperationsFromSpec(fixedPath);
} catch (e) {
    die(`${opt.spec}: ${e.message}`);
}
const prismLog = fs.createWriteStream(opt.log ? opt.log + '.prism' : '/dev/null', { flags: 'a' });
const logger = createLogger('PROXY', { level: 'info' }, prismLog);
const config = {
    validateRequest: true, validateResponse: true, checkSecurity: true, errors: opt.errors,
    mock: { dynamic: false },
    ...(opt.mock ? { isProxy: false } : { isProxy: true, upstream: new URL(opt.upstream) }),
};
const prism = Prism.createInstance(config, { logger });
const SEV = ['error', 'warning', 'information', 'hint'];
const sev = s => (typeof s === 'number' ? SEV[s] ?? String(s) : String(s).toLowerCase());

function readBody(req) {
    return new Promise((resolve, reject) => {
        const chunks = []; let n = 0;
        req.on('data', c => { n += c.length; if (n <= 10 << 20) chunks.push(c); });
        req.on('end', () => resolve(n > 10 << 20 ? null : Buffer.concat(chunks).toString('utf8')));
        req.on('error', reject);
    });
}
let exchanges = 0, counted = 0;
server.on('request', async (req, res) => {
    const t = new Date().toISOString();
    const u = new URL(req.url, selfUrl);
    const query = {};
    for (const k of new Set(u.searchParams.keys())) {
        const all = u.searchParams.getAll(k);
        query[k] = all.length === 1 ? all[0] : all;
    }
    const rec = { t, method: req.method, path: u.pathname + u.search };
    const violation = (where, severity, location, message) => {
        counted++;
        append(opt.violations, { ...rec, where, severity, location, message });
    };
    try {
        const text = await readBody(req);
        if (text === null) throw new Error('request body over 10 MiB');
        let body = text === '' ? undefined : text;
        const ct = (req.headers['content-type'] || '').toLowerCase();
        if (body !== undefined && /^application\/([a-z0-9.+-]*\+)?json\b/.test(ct)) {
            try { body = JSON.parse(text); } catch (e) {
                violation('request', 'error', ['request', 'body'],
                    `the body is not JSON: ${e.message}`);
            }
        }
        const headers = { ...req.headers };
        if (!opt.mock) {
            headers['x-forwarded-host'] = req.headers.host || `127.0.0.1:${port}`;
            headers['x-forwarded-proto'] = 'http';
        }
        const input = {
            method: req.method.toLowerCase(), url: { path: u.pathname, query }, headers, body,
        };
        const result = await prism.request(input, operations)();
        if (result._tag === 'Left') {
            // Prism could not route or forward: a path or method the document does not have (mock
            // mode), the upstream down. Either way the exchange was not validated: it counts.
            const e = result.left;
            const status = e.status || 502;
            rec.status = status;
            const refused = e.additional?.validation;   // --errors: the request, not forwarded
            if (Array.isArray(refused) && refused.length > 0) {
                for (const v of refused) {
                    violation('request', sev(v.severity), ['request', ...(v.location || [])],
                        v.message);
                }
            } else if (e.name === 'https://stoplight.io/prism/errors#UNAUTHORIZED') {
                violation('request', 'error', ['request'],
                    'Invalid security scheme used (refused: --errors)');
            } else {
                violation(e.status === 404 || e.status === 405 ? 'route' : 'proxy', 'error', [],
                    `${e.name || ''} ${e.message || e.detail || e}`.trim());
            }
            res.writeHead(status, { 'Content-Type': 'application/problem+json' });
            res.end(JSON.stringify({
                type: e.name || 'about:blank', title: e.message || 'proxy error', status,
                detail: e.detail || String(e),
            }));
            append(opt.log, { ...rec, error: e.message || String(e) });
            return;
        }
        const { output, validations } = result.right;
        rec.status = output.statusCode;
        const all = [
            ...validations.input.map(v => ({ where: 'request', v })),
            ...validations.output.map(v => ({ where: 'response', v })),
        ].map(({ where, v }) => ({
            where: v.message === 'Selected route not found' ? 'route' : where,
            severity: sev(v.severity), location: [where, ...(v.path || [])],
            message: v.message, code: v.code,
        }));
        for (const x of all) {
            const counts = (x.severity === 'error' || x.severity === 'warning')
                && !(opt.mock && x.where === 'response');
            if (counts) violation(x.where, x.severity, x.location, x.message);
        }
        append(opt.log, { ...rec, validations: all });
        const outHeaders = {};
        const hop = ['content-length', 'transfer-encoding', 'connection', 'keep-alive'];
        for (const [k, v] of Object.entries(output.headers || {})) {
            if (!hop.includes(k.toLowerCase())) outHeaders[k] = v;
        }
        let payload = output.body;
        if (payload === undefined || payload === null) payload = '';
        else if (typeof payload !== 'string') payload = JSON.stringify(payload);
        const typed = Object.keys(outHeaders).some(k => k.toLowerCase() === 'content-type');
        if (payload !== '' && !typed)
            outHeaders['Content-Type'] = 'application/json';
        outHeaders['Content-Length'] = Buffer.byteLength(payload);
        res.writeHead(output.statusCode, outHeaders);
        res.end(payload);
    } catch (e) {
        rec.status = 500;
        violation('proxy', 'error', [], `the proxy failed: ${(e && e.stack) || e}`);
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/problem+json' });
        res.end(JSON.stringify({
            type: 'about:blank', title: 'proxy failure', status: 500, detail: String(e),
        }));
    } finally {
        exchanges++;
    }
});
if (opt.portFile) {
    fs.writeFileSync(opt.portFile + '.tmp', `${port}\n`);
    fs.renameSync(opt.portFile + '.tmp', opt.portFile);
}
process.stderr.write(`proxy: ${opt.mock ? 'mock' : `proxy to ${opt.upstream}`}`
    + ` on ${selfUrl}${opt.base} (${operations.length} operations from ${fixedPath})\n`);
for (const sig of ['SIGTERM', 'SIGINT']) {
    process.on(sig, () => {
        process.stderr.write(`proxy: ${exchanges} exchanges, ${counted} violations\n`);
        server.close();
        process.exit(0);
    });
}
