import { pino } from 'pino';
import { Probot, Server } from 'probot';
import { createApp, type PremortemApp } from './app.js';
import { createOctokitClass } from './octokit.js';
import type { ServerConfig } from './settings-from-env.js';

export interface RunningBot {
  server: Server;
  app: PremortemApp;
  url: string;
  stop(): Promise<void>;
}

/** Probot's HTTP server with the app loaded: webhooks on `webhookPath`, verified with the secret. */
export async function startServer(config: ServerConfig, logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent' = 'info'): Promise<RunningBot> {
  const app = createApp(config.settings);
  const log = pino({ level: logLevel, name: 'premortem-bot' });
  const server = new Server({
    log,
    port: config.port,
    host: config.host,
    webhookPath: config.webhookPath,
    enableStaticFiles: false,
    Probot: Probot.defaults({
      appId: config.appId,
      privateKey: config.privateKey,
      secret: config.webhookSecret,
      log,
      Octokit: createOctokitClass(config.requestPolicy),
      ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
    }),
  });
  await server.load(app);
  await server.start();
  return {
    server,
    app,
    url: `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${server.port}${config.webhookPath}`,
    stop: () => server.stop(),
  };
}
