import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { REPORT_ROLES } from '../auth/roles';
import { bearer, errors } from '../schemas/common';
import { annualQuery, annualReport } from '../schemas/reports';
import type { DepartmentService } from '../services/departments';
import type { SupervisionService } from '../services/supervision';
import { reportCsv, reportWorkbook } from '../services/supervision/report-files';

export interface ReportRouteOptions {
  supervision: SupervisionService;
  departments: DepartmentService;
}

const reportFile = z.string();
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** `GET /v1/reports/annual`: the annual report of Art. 41, counted from visibility, as JSON, xlsx or CSV. */
export const reportRoutes: FastifyPluginAsyncZod<ReportRouteOptions> = async (
  app,
  { supervision, departments },
) => {
  app.get(
    '/v1/reports/annual',
    {
      config: { auth: { roles: REPORT_ROLES, what: 'read the annual report' } },
      schema: {
        tags: ['supervision'],
        summary:
          'The annual report of Art. 41: by category, channel, route and body, timeliness, satisfaction, reviews',
        description:
          'Over petitions received in the year (Asia/Shanghai): by category, channel, route (Art. 31) and intake; by ' +
          'body (handled, finished late, complaints handled, reports about it) with the bodies most complained about; ' +
          'forwarded, assigned and supervised counts; 及时受理率 and 按期办结率 with their counts; satisfaction; ' +
          'reviews (Art. 35) and re-reviews (Art. 36) by outcome; suggestions adopted. Every figure is a visibility ' +
          'count (eventually consistent, seconds); route, intake, handling, body, review and adoption figures read ' +
          "the definition's flags (PetitionFlags), which petitions of definitions without flags (petition-2022@1) " +
          `lack. \`format=xlsx\` answers an Excel workbook (${XLSX}, one sheet per table), \`format=csv\` CSV ` +
          '(text/csv, UTF-8 with BOM, the tables one after another), both as attachments; JSON by default.',
        security: bearer,
        querystring: annualQuery,
        response: {
          200: {
            description: 'The annual report.',
            content: {
              'application/json': { schema: annualReport },
              [XLSX]: { schema: reportFile.describe('The Excel workbook (binary).') },
              'text/csv': { schema: reportFile.describe('The CSV, UTF-8 with BOM.') },
            },
          },
          ...errors(400, 401, 403, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const { year, department, format } = request.query;
      const report = await supervision.annual(year, department, async () =>
        (await departments.list()).map((d) => ({ code: d.code, name: d.name })),
      );
      if (format === 'json') return report;
      const name = `annual-report-${year}${department ? `-${department}` : ''}`;
      if (format === 'xlsx') {
        return (
          reply
            .type(XLSX)
            .header('content-disposition', `attachment; filename="${name}.xlsx"`)
            // A Buffer goes out as it is (Fastify serializes objects only); the typed reply knows the schema's string.
            .send((await reportWorkbook(report)) as unknown as string)
        );
      }
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}.csv"`)
        .send(reportCsv(report));
    },
  );
};
