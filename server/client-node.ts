/** The typed client over the `ws` package, for Node (tests, scripts, the benchmark). */
import WebSocket from 'ws';
import { TtxClient, type ClientOptions, type WebSocketLike } from './client.js';

/** Opens a `ws` WebSocket (it has the browser API the client needs). */
export const nodeSocket = (url: string): WebSocketLike =>
  new WebSocket(url, { perMessageDeflate: false }) as unknown as WebSocketLike;

/** Connects with the `ws` package. */
export function connectNode(options: Omit<ClientOptions, 'connect'>): Promise<TtxClient> {
  return TtxClient.connect({ ...options, connect: nodeSocket });
}
