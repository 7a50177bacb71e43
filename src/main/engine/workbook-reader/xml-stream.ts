/**
 * A part's XML read as a stream (saxes): chunk by chunk, never the whole part in memory. Between
 * chunks the caller's `afterChunk` may hand out what was parsed (rows) and wait.
 */
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { damagedWorkbookError } from './workbook-error';

export interface XmlHandlers {
  open(name: string, attributes: Record<string, string>): void;
  close(name: string): void;
  text(text: string): void;
}

/** A tag's local name ("x:c" -> "c"): some writers prefix the spreadsheet namespace. */
function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

export function createXmlParser(
  part: string,
  handlers: XmlHandlers,
): (chunk: string | null) => void {
  const parser = new SaxesParser({ xmlns: false, position: false });
  let failure: Error | null = null;
  parser.on('error', (error) => {
    failure ??= damagedWorkbookError(`the part ${part} is not valid XML`, error);
  });
  parser.on('opentag', (tag: SaxesTagPlain) => handlers.open(localName(tag.name), tag.attributes));
  parser.on('closetag', (tag) => handlers.close(localName(tag.name)));
  parser.on('text', (text) => handlers.text(text));
  parser.on('cdata', (text) => handlers.text(text));
  return (chunk) => {
    if (chunk === null) parser.close();
    else parser.write(chunk);
    if (failure) throw failure;
  };
}

/**
 * Streams a part through handlers; `afterChunk` runs after each chunk is parsed and may end the
 * read early by returning 'stop' (the rest of the part is neither inflated nor parsed).
 */
export async function parseXmlPart(
  part: string,
  stream: Readable,
  handlers: XmlHandlers,
  afterChunk?: () => 'stop' | void,
): Promise<void> {
  const feed = createXmlParser(part, handlers);
  const decoder = new StringDecoder('utf8');
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      feed(decoder.write(chunk));
      if (afterChunk?.() === 'stop') return;
    }
  } catch (error) {
    if ((error as { name?: string }).name === 'WorkbookError') throw error;
    throw damagedWorkbookError(`the part ${part} cannot be unpacked`, error);
  } finally {
    stream.destroy();
  }
  feed(decoder.end());
  feed(null);
}
