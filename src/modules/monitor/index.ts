/**
 * Programme monitoring: requests counted without tracking people (recorder.ts), the usage scorecard computed live from
 * the platform's own data, programme delivery from the peer and surveys modules (and the lead module, when it comes:
 * delivery.ts LeadershipSource), the plan of deliverables and the quarterly report to the funder.
 */
import type { AppModule } from '../../platform/app-types.ts';
import { monitorPages } from './pages.ts';
import { monitorRoutes } from './routes.ts';
import type { MonitorService } from './service.ts';

export { createMonitor, RAW_DAYS, type MonitorService, type MonitorDeps } from './service.ts';
export { PLAN_COLUMNS, MEASURES } from './deliverables.ts';
export { writeEvents, type Recorder } from './recorder.ts';
export { type Evaluation } from './evaluation.ts';
export { evaluationDocx, evaluationHtml } from './evaluation-output.ts';
export { createDailySalts, type DailySalts } from './salts.ts';
export type { LeadershipSource } from './delivery.ts';

export const monitorModule: AppModule<{ monitor: MonitorService; brandName: string; recording?: boolean }> = {
  name: 'monitor',
  register(app, { monitor, brandName, recording = true }) {
    // Every response is offered to the recorder: a push onto an array, written in batches off the request's path.
    // Unless recording is switched off (SLI_MONITOR_RECORDING=false): then nothing is counted.
    if (recording)
      app.addHook('onResponse', (req, reply, done) => {
        const type = reply.getHeader('content-type');
        monitor.recorder.record({
          method: req.method,
          url: req.url,
          route: req.routeOptions.url,
          status: reply.statusCode,
          contentType: typeof type === 'string' ? type : undefined,
          ip: req.ip,
          userAgent: req.headers['user-agent'],
          councilCode: req.user?.council?.code,
        });
        done();
      });
    app.addHook('onReady', (done) => {
      monitor.recorder.start();
      monitor.startSchedule();
      done();
    });
    app.addHook('onClose', async () => {
      monitor.stopSchedule();
      await monitor.recorder.stop();
    });
    monitorRoutes(app, monitor, brandName);
    monitorPages(app, monitor, brandName);
  },
};
