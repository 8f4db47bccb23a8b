import pg from 'pg';
import type { Database } from './database.js';

export interface ChannelHandlers {
  /** A notification's payload ('' when it had none), in the order PostgreSQL delivered them. */
  onNotification(payload: string): void;
  /**
   * The connection failed or the server closed it: nothing more arrives on this listener, and its
   * connection is closed. Called at most once, and never after `close()`.
   */
  onLost(error: Error): void;
}

/** A connection LISTENing on one channel. */
export interface ChannelListener {
  /** UNLISTENs and closes the connection; `onLost` is not called for it. */
  close(): Promise<void>;
}

const CHANNEL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * LISTENs on `channel` on a connection of its own, outside the pool: it stays open for the
 * process's life and must not hold one of the pool's slots. Resolves once the LISTEN is in place,
 * so whatever is committed after that is delivered; rejects when it cannot be.
 */
export async function listen(
  database: Database,
  channel: string,
  handlers: ChannelHandlers,
): Promise<ChannelListener> {
  if (!CHANNEL_NAME.test(channel)) throw new Error(`invalid channel name ${JSON.stringify(channel)}`);
  const client = new pg.Client({ connectionString: database.url });
  let closing = false;
  let lost = false;
  const lose = (error: Error): void => {
    if (closing || lost) return;
    lost = true;
    void client.end().catch(() => undefined);
    handlers.onLost(error);
  };
  // Errors before the LISTEN is in place reject the promise instead.
  let listening = false;
  client.on('error', (error) => {
    if (listening) lose(error);
  });
  // A connection closed by the server (restart, pg_terminate_backend) may end without an error.
  client.on('end', () => {
    if (listening) lose(new Error('the connection ended'));
  });
  client.on('notification', (message) => {
    if (message.channel === channel && !closing) handlers.onNotification(message.payload ?? '');
  });
  try {
    await client.connect();
    await client.query(`LISTEN ${channel}`);
  } catch (error) {
    closing = true;
    await client.end().catch(() => undefined);
    throw error;
  }
  listening = true;
  return {
    async close() {
      if (closing) return;
      closing = true;
      if (!lost) await client.query(`UNLISTEN ${channel}`).catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}
