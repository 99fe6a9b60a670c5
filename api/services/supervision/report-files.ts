/**
 * The annual report as files: the same tables as an Excel workbook (one sheet per table, exceljs) and as CSV (the
 * tables one after another, each under its title, UTF-8 with a BOM so that Excel reads the Chinese text).
 */
import ExcelJS from 'exceljs';
import type { AnnualReport } from '../../schemas/reports';

type Cell = string | number | null;
export interface ReportTable {
  /** The sheet's name (at most 31 characters, Excel's limit). */
  title: string;
  columns: string[];
  rows: Cell[][];
}

const pct = (rate: number | null) => (rate === null ? null : Math.round(rate * 10_000) / 100);

/** The report's tables, in the order of the workbook's sheets. */
export function reportTables(r: AnnualReport): ReportTable[] {
  const scope = r.department ?? '全部';
  const counted = (title: string, what: string, items: AnnualReport['byCategory']): ReportTable => ({
    title,
    columns: [what, '代码', '件数'],
    rows: items.map((i) => [i.name, i.key, i.count]),
  });
  const outcomes = (name: string, o: AnnualReport['reviews']): Cell[] => [
    name,
    o.requested,
    o.pending,
    o.support,
    o.explain,
    o.reject,
  ];
  return [
    {
      title: '概况',
      columns: ['项目', '数值'],
      rows: [
        ['年度', r.year],
        ['单位', scope],
        ['统计起', r.from],
        ['统计止（不含）', r.to],
        ['生成时间', r.generatedAt],
        ['登记件数', r.registered],
        ['转送件数', r.handling.forwarded],
        ['交办件数', r.handling.assigned],
        ['督办件数', r.handling.supervised],
        ['及时受理件数', r.timeliness.acceptance.numerator],
        ['应受理件数', r.timeliness.acceptance.denominator],
        ['及时受理率（%）', pct(r.timeliness.acceptance.rate)],
        ['按期办结件数', r.timeliness.handling.numerator],
        ['办结件数', r.timeliness.handling.denominator],
        ['按期办结率（%）', pct(r.timeliness.handling.rate)],
        ['满意', r.satisfaction.satisfied],
        ['基本满意', r.satisfaction.basicallySatisfied],
        ['不满意', r.satisfaction.unsatisfied],
        ['群众满意率（%）', pct(r.satisfaction.rate.rate)],
        ['建议意见类件数', r.suggestions.total],
        ['建议被采纳件数', r.suggestions.adopted],
        ['复核终结件数', r.final],
      ],
    },
    counted('按类别', '类别', r.byCategory),
    counted('按渠道', '渠道', r.byChannel),
    counted('按办理途径', '办理途径', r.byRoute),
    counted('按登记方式', '登记方式', r.byIntake),
    {
      title: '按单位',
      columns: [
        '单位代码',
        '单位名称',
        '办理件数',
        '超期办结件数',
        '申诉求决类件数',
        '被检举控告件数',
        '被投诉合计',
      ],
      rows: r.bodies.map((b) => [
        b.code,
        b.name,
        b.handled,
        b.finishedLate,
        b.complaints,
        b.reports,
        b.complainedAbout,
      ]),
    },
    {
      title: '被投诉较多的单位',
      columns: ['名次', '单位代码', '单位名称', '被投诉合计'],
      rows: r.mostComplainedAbout.map((b, i) => [i + 1, b.code, b.name, b.complainedAbout]),
    },
    {
      title: '复查复核',
      columns: ['程序', '申请件数', '办理中', '支持', '解释说明', '不予支持'],
      rows: [outcomes('复查（第三十五条）', r.reviews), outcomes('复核（第三十六条）', r.reReviews)],
    },
  ];
}

/** The workbook: one sheet per table, a bold header row, columns wide enough for their text. */
export async function reportWorkbook(r: AnnualReport): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'petition-engine';
  workbook.created = new Date(r.generatedAt);
  for (const table of reportTables(r)) {
    const sheet = workbook.addWorksheet(table.title);
    sheet.addRow(table.columns).font = { bold: true };
    for (const row of table.rows) sheet.addRow(row);
    sheet.columns.forEach((column, i) => {
      const widest = Math.max(
        ...[table.columns[i], ...table.rows.map((row) => row[i])].map((v) => String(v ?? '').length),
      );
      column.width = Math.min(60, Math.max(10, widest * 2 + 2));
    });
    sheet.views = [{ state: 'frozen', ySplit: 1 }];
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
function field(value: Cell): string {
  const s = value === null ? '' : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The CSV: each table under a line with its title, tables separated by an empty line; CRLF, UTF-8 with a BOM. */
export function reportCsv(r: AnnualReport): string {
  const lines: string[] = [];
  for (const table of reportTables(r)) {
    if (lines.length > 0) lines.push('');
    lines.push(field(table.title));
    lines.push(table.columns.map(field).join(','));
    for (const row of table.rows) lines.push(row.map(field).join(','));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
