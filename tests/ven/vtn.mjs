// vtn.mjs: the OpenADR 3.1.0 VTN the VEN's tests run against (tests/ven/README.md). In memory,
// node:http only, loopback only. It serves what a VEN uses, under a base path, with answers valid
// against the specification's OpenAPI document (tests/ven/proxy.mjs checks both directions):
//   GET /auth/server, POST /auth/token (form fields), and with a bearer token: GET /programs,
//   GET /events, GET|POST /vens, GET /vens/{id}, GET|POST /reports, GET|PUT /reports/{id},
//   GET|POST /subscriptions, GET|PUT|DELETE /subscriptions/{id}, GET /notifiers.
// Subscriptions get the echo check (GET CALLBACK/echo?echo=X must answer X) and then webhook
// notifications when the admin API creates, updates or deletes an event or a program.
// A test-only admin API outside the base path (/_test/...) publishes programs and events, reads
// what the VEN posted and switches on the field quirks of ../shared/FACTS.md ("OpenADR 3 VTNs in
// the field"); quirk answers may violate the document on purpose, so quirk tests talk to the VTN
// directly, never through the validating proxy.
//
//   node vtn.mjs [--port N] [--port-file FILE] [--base /openadr3/3.1.0]
//                [--client ID:SECRET]... [--log FILE]
// Port 0 (the default) takes a free port; --port-file gets it once the VTN listens. Without
// --client one client "gs-ven" with secret "gs-secret" is known. SIGTERM or SIGINT stop it.
import http from 'node:http';
import crypto from 'node:crypto';
import fs from 'node:fs';

const opt = { port: 0, portFile: null, base: '/openadr3/3.1.0', clients: new Map(), log: null };
for (let i = 2; i < process.argv.length; i++) {
    const a = process.argv[i], v = process.argv[i + 1];
    const need = () => { if (v === undefined) die(`${a} needs a value`); i++; return v; };
    if (a === '--port') opt.port = Number(need());
    else if (a === '--port-file') opt.portFile = need();
    else if (a === '--base') opt.base = need().replace(/\/+$/, '');
    else if (a === '--log') opt.log = need();
    else if (a === '--client') {
        const s = need(), c = s.indexOf(':');
        if (c < 1) die(`--client wants ID:SECRET, not '${s}'`);
        opt.clients.set(s.slice(0, c), s.slice(c + 1));
    } else die(`unknown argument '${a}' (see the head of tests/ven/vtn.mjs)`);
}
if (!Number.isInteger(opt.port) || opt.port < 0 || opt.port > 65535) die('--port wants 0-65535');
if (opt.base !== '' && !/^\/[A-Za-z0-9._~\/-]*$/.test(opt.base)) die(`bad --base '${opt.base}'`);
if (opt.clients.size === 0) opt.clients.set('gs-ven', 'gs-secret');
function die(msg) { process.stderr.write(`vtn: ${msg}\n`); process.exit(2); }

// ---- state --------------------------------------------------------------------------------
const S = {
    programs: [], events: [], vens: [], reports: [], subscriptions: [],
    tokens: new Map(),            // access token -> {clientID, expiresAt (ms or Infinity)}
    quirks: {}, next: 1, log: [], seed: crypto.randomBytes(8).toString('hex'),
    notifications: [],            // what the webhook calls did: {url, status, error}
};
const QUIRKS = {
    scope_array: 'boolean',          // token scope as a JSON array, not a string
    no_expires_in: 'boolean',        // token answer without expires_in
    expires_in: 'number',            // token lifetime in seconds (default 3600)
    created_without_zone: 'boolean', // createdDateTime/modificationDateTime without a zone
    created_with_space: 'boolean',   // ... with a space instead of the T
    status_as_string: 'boolean',     // problem bodies with status "401", not 401
    shuffle_pages: 'boolean',        // lists in a stable order that is not creation order
    page_max: 'number',              // pages hold at most this many objects whatever the limit
    notify_string: 'boolean',        // webhook bodies as a JSON string of snake_case fields
    fail_next: 'number',             // the next N requests under the base path answer 500
};
const newId = kind => `${kind}-${S.next++}`;
const now = () => new Date().toISOString();
function meta(kind, objectType) {
    const t = now();
    return { id: newId(kind), createdDateTime: t, modificationDateTime: t, objectType };
}
function logReq(entry) {
    S.log.push(entry);
    if (S.log.length > 10000) S.log.splice(0, S.log.length - 10000);
    if (opt.log) fs.appendFileSync(opt.log, JSON.stringify(entry) + '\n');
}

// ---- HTTP helpers -------------------------------------------------------------------------
class HttpError extends Error {
    constructor(status, title, detail) { super(detail); this.status = status; this.title = title; }
}
const bad = detail => new HttpError(400, 'Bad Request', detail);
const unauthorized = detail => new HttpError(401, 'Unauthorized', detail);
// an update: every field but the VTN's own goes, the body's come in, modificationDateTime moves
function replaceFields(obj, body, keep) {
    for (const k of Object.keys(obj)) if (!keep.includes(k)) delete obj[k];
    Object.assign(obj, body, { modificationDateTime: now() });
}
const OWN = ['id', 'createdDateTime', 'objectType', 'clientID'];
function problem(status, title, detail) {
    return {
        type: 'about:blank', title,
        status: S.quirks.status_as_string ? String(status) : status, detail,
    };
}
function send(res, status, body, headers = {}) {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, {
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        'Content-Length': Buffer.byteLength(text), ...headers,
    });
    res.end(text);
}
function readBody(req) {
    return new Promise((resolve, reject) => {
        const chunks = []; let n = 0;
        req.on('data', c => {
            n += c.length;
            if (n > 1 << 20) { reject(bad('body over 1 MiB')); req.destroy(); }
            else chunks.push(c);
        });
        req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        req.on('error', reject);
    });
}
function jsonBody(text) {
    if (text.trim() === '') throw bad('a JSON body was expected, the body is empty');
    try { return JSON.parse(text); } catch (e) {
        throw bad(`the body is not JSON: ${e.message}`);
    }
}
function isObj(x) { return x !== null && typeof x === 'object' && !Array.isArray(x); }
function needString(obj, key, where) {
    if (typeof obj[key] !== 'string' || obj[key] === '')
        throw bad(`${where}: '${key}' must be a non-empty string`);
}

// Timestamps as the document has them, or as the quirks bend them.
function present(obj) {
    const out = structuredClone(obj);
    for (const k of ['createdDateTime', 'modificationDateTime']) {
        if (typeof out[k] !== 'string') continue;
        if (S.quirks.created_without_zone) out[k] = out[k].replace(/(\.\d+)?Z$/, '');
        if (S.quirks.created_with_space) out[k] = out[k].replace('T', ' ');
    }
    return out;
}
function order(list) {
    if (!S.quirks.shuffle_pages) return list;
    const h = o => crypto.createHash('sha256').update(S.seed + o.id).digest('hex');
    return [...list].sort((a, b) => (h(a) < h(b) ? -1 : 1));
}
function intParam(q, name, min, max, dflt) {
    const v = q.get(name);
    if (v === null) return dflt;
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max)
        throw bad(`query '${name}' must be an integer in ${min}..${max}, found '${v}'`);
    return Number(v);
}
function page(q, list) {
    const skip = intParam(q, 'skip', 0, 2147483647, 0);
    let limit = intParam(q, 'limit', 0, 50, 50);
    if (S.quirks.page_max > 0) limit = Math.min(limit, S.quirks.page_max);
    return order(list).slice(skip, skip + limit).map(present);
}
// targets=a&targets=b (also targets=a,b): an object matches when it has no targets or shares one.
function targetsOf(q) {
    return q.getAll('targets').flatMap(t => t.split(',')).filter(t => t !== '');
}
function matchTargets(obj, wanted) {
    if (wanted.length === 0 || !Array.isArray(obj.targets) || obj.targets.length === 0) return true;
    return obj.targets.some(t => wanted.includes(t));
}

// ---- authentication -----------------------------------------------------------------------
function tokenAnswer(form) {
    if (form.get('grant_type') !== 'client_credentials')
        throw bad(`grant_type must be client_credentials, found '${form.get('grant_type')}'`);
    const id = form.get('client_id'), secret = form.get('client_secret');
    if (!id || !secret) throw bad('client_id and client_secret are required form fields');
    if (!opt.clients.has(id) || opt.clients.get(id) !== secret)
        throw unauthorized('unknown client_id or wrong client_secret');
    const life = S.quirks.expires_in > 0 ? S.quirks.expires_in : 3600;
    const token = crypto.randomBytes(24).toString('hex');
    S.tokens.set(token, { clientID: id, expiresAt: Date.now() + life * 1000 });
    const scope = ['read_all', 'write_reports', 'write_subscriptions', 'write_vens'];
    const body = { access_token: token, token_type: 'Bearer' };
    if (!S.quirks.no_expires_in) body.expires_in = life;
    body.scope = S.quirks.scope_array ? scope : scope.join(' ');
    return body;
}
function bearer(req) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization || '');
    if (!m) throw unauthorized('no bearer token (Authorization: Bearer TOKEN)');
    const t = S.tokens.get(m[1]);
    if (!t) throw unauthorized('unknown or revoked token');
    if (Date.now() >= t.expiresAt) throw unauthorized('the token has expired');
    return t.clientID;
}

// ---- webhooks -----------------------------------------------------------------------------
function loopbackUrl(s) {
    let u;
    try { u = new URL(s); } catch { return null; }
    if (u.protocol !== 'http:') return null;
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) return null;
    return u;
}
function call(method, url, body, token) {
    return new Promise(resolve => {
        const data = body === undefined ? undefined : Buffer.from(body);
        const req = http.request(url, {
            method, timeout: 5000,
            headers: {
                ...(data ? { 'Content-Type': 'application/json', 'Content-Length': data.length }
                    : {}),
                ...(token ? { Authorization: `Bearer ${token}` } : {}),
            },
        }, res => {
            const chunks = [];
            res.on('data', c => chunks.push(c));
            res.on('end', () => resolve({
                status: res.statusCode, body: Buffer.concat(chunks).toString('utf8'),
            }));
        });
        req.on('timeout', () => req.destroy(new Error('timed out after 5 s')));
        req.on('error', e => resolve({ status: 0, error: e.message }));
        if (data) req.write(data);
        req.end();
    });
}
async function echoCheck(callbackUrl, token) {
    const u = new URL(callbackUrl);
    const x = crypto.randomBytes(8).toString('hex');
    u.pathname = u.pathname.replace(/\/+$/, '') + '/echo';
    u.searchParams.set('echo', x);
    const r = await call('GET', u, undefined, token);
    let got = (r.body || '').trim();
    try {
        const j = JSON.parse(got);
        if (typeof j === 'string') got = j;
    } catch { /* plain text */ }
    if (r.status !== 200 || got !== x)
        throw bad(`callbackUrl failed the echo check: GET ${u} answered ${r.status || r.error}` +
            ` '${(r.body || '').slice(0, 80)}', expected 200 '${x}'`);
}
const snake = s => s.replace(/[A-Z]/g, c => `_${c.toLowerCase()}`);
function snakeKeys(x) {
    if (Array.isArray(x)) return x.map(snakeKeys);
    if (!isObj(x)) return x;
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [snake(k), snakeKeys(v)]));
}
function notify(objectType, operation, object) {
    for (const sub of S.subscriptions) {
        const pid = sub.programID;
        if (pid && object.programID !== pid && object.id !== pid) continue;
        for (const oo of sub.objectOperations) {
            if (!oo.objects.includes(objectType) || !oo.operations.includes(operation)) continue;
            const n = { objectType, operation, object: present(object) };
            if (Array.isArray(object.targets)) n.targets = object.targets;
            const body = S.quirks.notify_string ? JSON.stringify(JSON.stringify(snakeKeys(n)))
                : JSON.stringify(n);
            call('POST', oo.callbackUrl, body, oo.bearerToken || undefined).then(r =>
                S.notifications.push({
                    url: oo.callbackUrl, objectType, operation, id: object.id,
                    status: r.status, error: r.error,
                }));
        }
    }
}

// ---- the OpenADR API ----------------------------------------------------------------------
function findById(list, id, what) {
    const o = list.find(x => x.id === id);
    if (!o) throw new HttpError(404, 'Not Found', `no ${what} '${id}'`);
    return o;
}
function checkSubscription(b) {
    if (!isObj(b)) throw bad('a subscription object was expected');
    needString(b, 'clientName', 'subscription');
    if (!Array.isArray(b.objectOperations) || b.objectOperations.length === 0)
        throw bad("subscription: 'objectOperations' must be a non-empty array");
    for (const oo of b.objectOperations) {
        if (!isObj(oo) || !Array.isArray(oo.objects) || !Array.isArray(oo.operations)
            || typeof oo.callbackUrl !== 'string')
            throw bad('subscription: each objectOperations entry needs objects, operations and '
                + 'callbackUrl');
        if (!loopbackUrl(oo.callbackUrl))
            throw bad(`this test VTN calls loopback http URLs only, not '${oo.callbackUrl}'`);
    }
}
async function api(method, path, q, req, text) {
    if (path === '/auth/server' && method === 'GET') {
        const host = req.headers['x-forwarded-host'] || req.headers.host;
        const proto = req.headers['x-forwarded-proto'] || 'http';
        return [200, { tokenURL: `${proto}://${host}${opt.base}/auth/token` }];
    }
    if (path === '/auth/token' && method === 'POST') {
        const ct = (req.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
        if (ct !== 'application/x-www-form-urlencoded')
            throw bad(`the token request must be application/x-www-form-urlencoded, found '${ct}'`);
        return [200, tokenAnswer(new URLSearchParams(text))];
    }
    const clientID = bearer(req);
    // read_ven_objects: a client reads the vens, reports and subscriptions of its own clientID
    const mine = list => list.filter(o => o.clientID === clientID);
    let m;
    if (path === '/notifiers' && method === 'GET') return [200, { WEBHOOK: true }];
    if (path === '/programs' && method === 'GET') {
        const t = targetsOf(q);
        return [200, page(q, S.programs.filter(p => matchTargets(p, t)))];
    }
    if ((m = /^\/programs\/([^/]+)$/.exec(path)) && method === 'GET')
        return [200, present(findById(S.programs, decodeURIComponent(m[1]), 'program'))];
    if (path === '/events' && method === 'GET') {
        const t = targetsOf(q), pid = q.get('programID');
        const active = q.get('active') === 'true';
        return [200, page(q, S.events.filter(e => (!pid || e.programID === pid)
            && matchTargets(e, t) && (!active || !eventOver(e))))];
    }
    if ((m = /^\/events\/([^/]+)$/.exec(path)) && method === 'GET')
        return [200, present(findById(S.events, decodeURIComponent(m[1]), 'event'))];
    if (path === '/vens' && method === 'GET') {
        const name = q.get('venName'), t = targetsOf(q);
        return [200, page(q, mine(S.vens).filter(v => (!name || v.venName === name)
            && matchTargets(v, t)))];
    }
    if (path === '/vens' && method === 'POST') {
        const b = jsonBody(text);
        if (!isObj(b) || !['VEN_VEN_REQUEST', 'BL_VEN_REQUEST'].includes(b.objectType))
            throw bad("a ven request needs objectType VEN_VEN_REQUEST (or BL_VEN_REQUEST)");
        needString(b, 'venName', 'ven');
        if (S.vens.some(v => v.venName === b.venName))
            throw bad(`a ven named '${b.venName}' exists: GET /vens?venName= finds it`);
        const ven = { ...meta('ven', 'VEN'), venName: b.venName, clientID: b.clientID || clientID };
        if (Array.isArray(b.attributes)) ven.attributes = b.attributes;
        if (Array.isArray(b.targets)) ven.targets = b.targets;
        S.vens.push(ven);
        return [201, present(ven)];
    }
    if ((m = /^\/vens\/([^/]+)$/.exec(path)) && method === 'GET')
        return [200, present(findById(mine(S.vens), decodeURIComponent(m[1]), 'ven'))];
    if (path === '/reports' && method === 'GET') {
        const f = ['programID', 'eventID', 'clientName'].map(k => [k, q.get(k)])
            .filter(([, v]) => v);
        return [200, page(q, mine(S.reports).filter(r => f.every(([k, v]) => r[k] === v)))];
    }
    if (path === '/reports' && method === 'POST') {
        const b = checkReport(jsonBody(text));
        const r = { ...meta('report', 'REPORT'), ...b, clientID };
        S.reports.push(r);
        return [201, present(r)];
    }
    if ((m = /^\/reports\/([^/]+)$/.exec(path)) && (method === 'GET' || method === 'PUT')) {
        const r = findById(mine(S.reports), decodeURIComponent(m[1]), 'report');
        if (method === 'PUT') {
            const b = checkReport(jsonBody(text));
            replaceFields(r, b, OWN);
        }
        return [200, present(r)];
    }
    if (path === '/subscriptions' && method === 'GET') {
        const f = ['programID', 'clientName'].map(k => [k, q.get(k)]).filter(([, v]) => v);
        return [200, page(q, mine(S.subscriptions).filter(s => f.every(([k, v]) => s[k] === v)))];
    }
    if (path === '/subscriptions' && method === 'POST') {
        const b = jsonBody(text);
        checkSubscription(b);
        for (const oo of b.objectOperations) await echoCheck(oo.callbackUrl, oo.bearerToken);
        const s = { ...meta('subscription', 'SUBSCRIPTION'), ...b, clientID };
        S.subscriptions.push(s);
        return [201, present(s)];
    }
    m = /^\/subscriptions\/([^/]+)$/.exec(path);
    if (m && ['GET', 'PUT', 'DELETE'].includes(method)) {
        const s = findById(mine(S.subscriptions), decodeURIComponent(m[1]), 'subscription');
        if (method === 'PUT') {
            const b = jsonBody(text);
            checkSubscription(b);
            for (const oo of b.objectOperations) await echoCheck(oo.callbackUrl, oo.bearerToken);
            replaceFields(s, b, OWN);
        }
        if (method === 'DELETE') S.subscriptions.splice(S.subscriptions.indexOf(s), 1);
        return [200, present(s)];
    }
    throw new HttpError(404, 'Not Found',
        `${method} ${opt.base}${path} is not served by this test VTN`);
}
function checkReport(b) {
    if (!isObj(b)) throw bad('a report object was expected');
    needString(b, 'eventID', 'report');
    needString(b, 'clientName', 'report');
    if (!Array.isArray(b.resources)) throw bad("report: 'resources' must be an array");
    if (!S.events.some(e => e.id === b.eventID))
        throw bad(`report: no event '${b.eventID}'`);
    const { id, createdDateTime, modificationDateTime, objectType, clientID, ...rest } = b;
    return rest;
}
// The end of an event: the last interval's end (event intervalPeriod, then each interval's own).
function eventOver(e) {
    const ip = e.intervalPeriod || {};
    let t = Date.parse(ip.start);
    if (Number.isNaN(t)) return false;
    const dur = d => {
        const m = /^PT?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(d || '');
        return m ? ((+m[1] || 0) * 3600 + (+m[2] || 0) * 60 + (+m[3] || 0)) * 1000 : NaN;
    };
    for (const iv of e.intervals || []) {
        const p = iv.intervalPeriod || {};
        if (p.start && !Number.isNaN(Date.parse(p.start))) t = Date.parse(p.start);
        const d = dur(p.duration || ip.duration);
        if (Number.isNaN(d)) return false;
        t += d;
    }
    return Date.now() >= t;
}

// ---- the admin API (tests only) -----------------------------------------------------------
function checkEvent(b) {
    if (!isObj(b)) throw bad('an event object was expected');
    needString(b, 'programID', 'event');
    if (!S.programs.some(p => p.id === b.programID))
        throw bad(`event: no program '${b.programID}' (POST /_test/programs first)`);
    const { id, createdDateTime, modificationDateTime, objectType, ...rest } = b;
    return rest;
}
async function admin(method, path, text) {
    let m;
    if (path === '/health' && method === 'GET') return [200, { ok: true, base: opt.base }];
    if (path === '/programs' && method === 'POST') {
        const b = jsonBody(text);
        if (!isObj(b)) throw bad('a program object was expected');
        needString(b, 'programName', 'program');
        const { id, createdDateTime, modificationDateTime, objectType, ...rest } = b;
        const p = { ...meta('program', 'PROGRAM'), ...rest };
        S.programs.push(p);
        notify('PROGRAM', 'CREATE', p);
        return [201, p];
    }
    if (path === '/programs' && method === 'GET') return [200, S.programs];
    if (path === '/events' && method === 'POST') {
        const e = { ...meta('event', 'EVENT'), ...checkEvent(jsonBody(text)) };
        S.events.push(e);
        notify('EVENT', 'CREATE', e);
        return [201, e];
    }
    if (path === '/events' && method === 'GET') return [200, S.events];
    if ((m = /^\/events\/([^/]+)$/.exec(path)) && (method === 'PUT' || method === 'DELETE')) {
        const e = findById(S.events, decodeURIComponent(m[1]), 'event');
        if (method === 'PUT') {
            const b = checkEvent(jsonBody(text));
            replaceFields(e, b, OWN);
            notify('EVENT', 'UPDATE', e);
        } else {
            S.events.splice(S.events.indexOf(e), 1);
            notify('EVENT', 'DELETE', e);
        }
        return [200, e];
    }
    if (path === '/reports' && method === 'GET') return [200, S.reports];
    if (path === '/vens' && method === 'GET') return [200, S.vens];
    if (path === '/subscriptions' && method === 'GET') return [200, S.subscriptions];
    if (path === '/notifications' && method === 'GET') return [200, S.notifications];
    if (path === '/requests' && method === 'GET') return [200, S.log];
    if (path === '/quirks' && method === 'GET') return [200, S.quirks];
    if (path === '/quirks' && method === 'POST') {
        const b = jsonBody(text);
        if (!isObj(b)) throw bad('a quirks object was expected');
        for (const [k, v] of Object.entries(b)) {
            if (!(k in QUIRKS))
                throw bad(`unknown quirk '${k}' (known: ${Object.keys(QUIRKS).join(', ')})`);
            if (typeof v !== QUIRKS[k]) throw bad(`quirk '${k}' wants a ${QUIRKS[k]}`);
        }
        S.quirks = b;     // replaces: {} switches every quirk off
        return [200, S.quirks];
    }
    if (path === '/tokens/revoke' && method === 'POST') {
        const n = S.tokens.size;
        S.tokens.clear();
        return [200, { revoked: n }];
    }
    throw new HttpError(404, 'Not Found', `${method} /_test${path}: no such admin call`);
}

// ---- the server ---------------------------------------------------------------------------
const server = http.createServer(async (req, res) => {
    const u = new URL(req.url, 'http://vtn');
    const entry = { t: now(), method: req.method, path: u.pathname + u.search, status: 0 };
    try {
        const text = await readBody(req);
        let status, body;
        if (u.pathname.startsWith('/_test/')) {
            [status, body] = await admin(req.method, u.pathname.slice('/_test'.length), text);
        } else if (u.pathname === opt.base || u.pathname.startsWith(opt.base + '/')) {
            if (S.quirks.fail_next > 0) {
                S.quirks.fail_next--;
                throw new HttpError(500, 'Internal Server Error', 'fail_next quirk');
            }
            const p = u.pathname.slice(opt.base.length) || '/';
            [status, body] = await api(req.method, p, u.searchParams, req, text);
        } else {
            throw new HttpError(404, 'Not Found',
                `${u.pathname} is outside the base path ${opt.base}`);
        }
        entry.status = status;
        send(res, status, body);
    } catch (e) {
        const he = e instanceof HttpError ? e
            : new HttpError(500, 'Internal Server Error', String((e && e.stack) || e));
        entry.status = he.status;
        entry.error = he.message;
        send(res, he.status, problem(he.status, he.title, he.message));
    }
    logReq(entry);
});
server.listen(opt.port, '127.0.0.1', () => {
    const port = server.address().port;
    if (opt.portFile) {
        fs.writeFileSync(opt.portFile + '.tmp', `${port}\n`);
        fs.renameSync(opt.portFile + '.tmp', opt.portFile);
    }
    process.stderr.write(`vtn: listening on http://127.0.0.1:${port}${opt.base}`
        + ' (admin: /_test/)\n');
});
server.on('error', e => die(e.message));
for (const sig of ['SIGTERM', 'SIGINT']) {
    process.on(sig, () => { server.close(); process.exit(0); });
}
