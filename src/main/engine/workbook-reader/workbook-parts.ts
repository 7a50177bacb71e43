/**
 * The small parts that say how to read a sheet: the workbook (sheet names, their parts, the 1904
 * date system), the styles (which cells show dates) and the shared strings (streamed into the
 * compact store before any row is read).
 */
import { posix } from 'node:path';
import { dateKindOfFormat, type DateKind } from './cell-values';
import { SharedStrings } from './shared-strings';
import { damagedWorkbookError } from './workbook-error';
import type { WorkbookZip } from './workbook-zip';
import { parseXmlPart } from './xml-stream';

export interface WorkbookSheet {
  /** As Excel's tab shows it. */
  name: string;
  /** 1-based position among the sheets (tabs), as `--sheet 2` counts. */
  number: number;
  /** The part holding its cells, e.g. xl/worksheets/sheet1.xml. */
  part: string;
}

export interface WorkbookLayout {
  sheets: WorkbookSheet[];
  date1904: boolean;
}

async function readPart(
  zip: WorkbookZip,
  name: string,
  handlers: Parameters<typeof parseXmlPart>[2],
  afterChunk?: Parameters<typeof parseXmlPart>[3],
): Promise<boolean> {
  const entry = zip.entry(name);
  if (!entry) return false;
  await parseXmlPart(name, await zip.open(entry), handlers, afterChunk);
  return true;
}

export async function readWorkbookLayout(zip: WorkbookZip): Promise<WorkbookLayout> {
  const targets = new Map<string, string>();
  await readPart(zip, 'xl/_rels/workbook.xml.rels', {
    open(name, a) {
      if (name === 'Relationship' && a.Id && a.Target) targets.set(a.Id, a.Target);
    },
    close() {},
    text() {},
  });
  const listed: { name: string; rid: string }[] = [];
  let date1904 = false;
  const found = await readPart(zip, 'xl/workbook.xml', {
    open(name, a) {
      if (name === 'sheet' && a.name !== undefined) {
        const rid = a['r:id'] ?? Object.entries(a).find(([k]) => k.endsWith(':id'))?.[1] ?? '';
        listed.push({ name: a.name, rid });
      } else if (name === 'workbookPr') date1904 = a.date1904 === '1' || a.date1904 === 'true';
    },
    close() {},
    text() {},
  });
  if (!found) throw damagedWorkbookError('it has no xl/workbook.xml part');
  const sheets: WorkbookSheet[] = [];
  for (const [i, sheet] of listed.entries()) {
    const target = targets.get(sheet.rid);
    if (!target) continue; // a chart sheet or a broken link: no cells to read
    const part = target.startsWith('/')
      ? target.slice(1)
      : posix.normalize(posix.join('xl', target));
    if (!part.includes('worksheets/') && !zip.entry(part)) continue;
    sheets.push({ name: sheet.name, number: i + 1, part });
  }
  if (sheets.length === 0) throw damagedWorkbookError('it lists no sheet');
  return { sheets, date1904 };
}

/** For each cell style (the `s` attribute), whether it shows a date, a time or a number. */
export async function readDateStyles(zip: WorkbookZip): Promise<DateKind[]> {
  const codes = new Map<number, string>();
  const styleFormats: number[] = [];
  let inCellXfs = false;
  await readPart(zip, 'xl/styles.xml', {
    open(name, a) {
      if (name === 'numFmt' && a.numFmtId !== undefined)
        codes.set(Number(a.numFmtId), a.formatCode ?? '');
      else if (name === 'cellXfs') inCellXfs = true;
      else if (name === 'xf' && inCellXfs) styleFormats.push(Number(a.numFmtId ?? 0));
    },
    close(name) {
      if (name === 'cellXfs') inCellXfs = false;
    },
    text() {},
  });
  return styleFormats.map((id) => dateKindOfFormat(id, codes.get(id)));
}

/** The shared strings (rich text joined, phonetic guides left out). */
/**
 * Each shared string in order, with its index; `onItem` returning 'stop' ends the read after the
 * chunk being parsed (the rest of the part is not read).
 */
async function readSharedStringItems(
  zip: WorkbookZip,
  onItem: (index: number, text: string) => 'stop' | void,
): Promise<void> {
  let index = 0;
  let inItem = false;
  let inText = false;
  let phonetic = 0;
  let text = '';
  let stop = false;
  await readPart(
    zip,
    'xl/sharedStrings.xml',
    {
      open(name) {
        if (name === 'si') {
          inItem = true;
          text = '';
        } else if (name === 'rPh') phonetic++;
        else if (name === 't' && inItem && phonetic === 0) inText = true;
      },
      close(name) {
        if (name === 't') inText = false;
        else if (name === 'rPh') phonetic--;
        else if (name === 'si') {
          if (!stop && onItem(index, text) === 'stop') stop = true;
          index += 1;
          inItem = false;
          text = '';
        }
      },
      text(t) {
        if (inText) text += t;
      },
    },
    () => (stop ? 'stop' : undefined),
  );
}

/** All the shared strings, in the compact store (before the rows of a whole sheet). */
export async function readSharedStrings(zip: WorkbookZip): Promise<SharedStrings> {
  const strings = new SharedStrings();
  try {
    await readSharedStringItems(zip, (_index, text) => strings.add(text));
  } catch (error) {
    strings.close();
    throw error;
  }
  return strings;
}

/**
 * Only the shared strings at `wanted` (the cells of a sheet's first rows): the part is read up to
 * the last of them, which Excel's order (strings numbered as first met) puts near its start.
 */
export async function readSomeSharedStrings(
  zip: WorkbookZip,
  wanted: ReadonlySet<number>,
): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  if (wanted.size === 0) return found;
  await readSharedStringItems(zip, (index, text) => {
    if (!wanted.has(index)) return;
    found.set(index, text);
    if (found.size === wanted.size) return 'stop';
  });
  return found;
}
