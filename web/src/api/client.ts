// The API client. Every call is typed by `Paths`, which scripts/gen-api.mjs generates from the
// server's OpenAPI fragments at build time: a path, a parameter or a field the server does not
// describe fails the TypeScript build.
//
// Authentication is the session cookie (HttpOnly, set by POST /api/v1/auth/login) plus the CSRF
// token from the login answer or GET /api/v1/auth/me, sent as X-CSRF-Token on unsafe methods.
// A 401 on any call tells the session (onUnauthenticated) so the app shows the sign-in page.
import type { FieldError, Paths } from './generated/schema';
import { ROUTES } from './generated/schema';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type PathFor<M extends Method> = { [P in keyof Paths]: M extends keyof Paths[P] ? P : never }[keyof Paths];
type Op<P extends keyof Paths, M extends Method> = M extends keyof Paths[P] ? Paths[P][M] : never;
type Field<O, K extends string> = O extends Record<K, infer T> ? T : never;
export type ResponseOf<P extends keyof Paths, M extends Method> = Field<Op<P, M>, 'response'>;
export type BodyOf<P extends keyof Paths, M extends Method> = Field<Op<P, M>, 'body'>;

export type RequestOptions<P extends keyof Paths, M extends Method> = {
  path?: Field<Op<P, M>, 'path'>;
  query?: Partial<Field<Op<P, M>, 'query'>>;
  body?: BodyOf<P, M>;
  signal?: AbortSignal;
};

// An error answer in the shape of DESIGN.md §4, or a network failure (status 0).
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldError[] = [],
  ) {
    super(message);
  }
  // The message for one field ("email", "custom.industry"), if the server named it.
  fieldError(field: string): FieldError | undefined {
    return this.details.find((d) => d.field === field);
  }
}

let csrfToken: string | null = null;
let unauthenticatedListener: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}
// For requests the typed client cannot make (a file upload with progress, through XHR).
export function csrfHeaders(): Record<string, string> {
  return csrfToken ? { 'X-CSRF-Token': csrfToken } : {};
}
export function onUnauthenticated(listener: (() => void) | null): void {
  unauthenticatedListener = listener;
}

function fillPath(pattern: string, params: Record<string, string> | undefined): string {
  return pattern.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const v = params?.[name];
    if (v === undefined) throw new Error(`missing path parameter ${name} for ${pattern}`);
    return encodeURIComponent(v);
  });
}

function queryString(query: Record<string, unknown> | undefined): string {
  if (!query) return '';
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    qs.set(k, String(v));
  }
  const s = qs.toString();
  return s ? `?${s}` : '';
}

async function send<T>(method: Method, url: string, body: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'get' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(url, {
      method: method.toUpperCase(),
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', 'Rally could not be reached. Check your connection and try again.');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string; details?: FieldError[] } } | undefined)?.error;
    if (res.status === 401 && unauthenticatedListener && !url.endsWith('/auth/login')) unauthenticatedListener();
    throw new ApiError(res.status, err?.code ?? 'http_' + res.status, err?.message ?? `${res.status} ${res.statusText}`, err?.details ?? []);
  }
  return json as T;
}

// A typed call: api('get', '/api/v1/contacts/{id}', { path: { id } }).
export function api<M extends Method, P extends PathFor<M>>(
  method: M,
  path: P,
  options: RequestOptions<P, M> = {},
): Promise<ResponseOf<P, M>> {
  const url = fillPath(path, options.path as Record<string, string> | undefined) +
    queryString(options.query as Record<string, unknown> | undefined);
  return send<ResponseOf<P, M>>(method, url, options.body, options.signal);
}

// Routes other engineers are still adding (the filter language's count and parse, saved views,
// bulk actions) are called through here until their OpenAPI fragments land; `hasRoute` tells
// the UI whether this server build describes them.
export function untypedApi<T>(method: Method, path: string, options: { query?: Record<string, unknown>; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  return send<T>(method, path + queryString(options.query), options.body, options.signal);
}

export function hasRoute(method: Method, pattern: string): boolean {
  const m = method.toUpperCase();
  return ROUTES.some(([rm, rp]) => rm === m && rp === pattern);
}

// A message fit for a person, for any thrown value.
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}
