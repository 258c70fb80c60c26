// A small JSON client for talking to the gateway the way a browser or script would.
export interface JsonResponse<T = any> {
	status: number;
	headers: Headers;
	body: T;
	ms: number;
}

export interface RequestOptions {
	token?: string;
	headers?: Record<string, string>;
	body?: unknown;
	/** Send this exact text as the body (e.g. malformed JSON). */
	rawBody?: string;
	timeoutMs?: number;
}

export async function request<T = any>(method: string, url: string, opts: RequestOptions = {}): Promise<JsonResponse<T>> {
	const headers: Record<string, string> = { ...opts.headers };
	if (opts.token) headers.authorization = `Bearer ${opts.token}`;
	let body: string | undefined;
	if (opts.rawBody !== undefined) body = opts.rawBody;
	else if (opts.body !== undefined) body = JSON.stringify(opts.body);
	if (body !== undefined) headers["content-type"] ??= "application/json";
	const started = Date.now();
	const res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(opts.timeoutMs ?? 20_000) });
	const text = await res.text();
	let parsed: unknown = text;
	try {
		parsed = text ? JSON.parse(text) : null;
	} catch {
		/* not JSON: keep the text */
	}
	return { status: res.status, headers: res.headers, body: parsed as T, ms: Date.now() - started };
}

export const http = {
	get: <T = any>(url: string, opts?: RequestOptions) => request<T>("GET", url, opts),
	post: <T = any>(url: string, body?: unknown, opts?: RequestOptions) => request<T>("POST", url, { ...opts, body }),
	put: <T = any>(url: string, body?: unknown, opts?: RequestOptions) => request<T>("PUT", url, { ...opts, body }),
	patch: <T = any>(url: string, body?: unknown, opts?: RequestOptions) => request<T>("PATCH", url, { ...opts, body }),
	del: <T = any>(url: string, opts?: RequestOptions) => request<T>("DELETE", url, opts),
};
