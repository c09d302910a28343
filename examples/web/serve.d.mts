/** Types of serve.mjs, the web demo's static server. */
/** A running server: its URL and port, and how to stop it. */
export interface DemoServer { url: string; port: number; close(): Promise<void> }
/** Serve `dir` (default dist/web) on 127.0.0.1:`port` (0 = a free port). */
export function startServer(options?: { port?: number; dir?: string }): Promise<DemoServer>;
