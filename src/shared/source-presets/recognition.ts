/**
 * Recognition of a tool's export by its header row. It never fires on a weak match: the file must
 * carry several headers specific to the tool, most of its headers must be ones the tool writes,
 * the preset must find the email column, and the best preset must clearly beat the runner-up.
 */
import { BUILT_IN_PRESETS } from './catalogue';
import { headerKey } from './header-name';
import { matchPresetColumn } from './preset-mapping';
import type { SourcePreset } from './source-preset';

/** Share of the file's headers the preset must know. */
export const MIN_KNOWN_SHARE = 0.6;
/** Fewest tool-specific headers, whatever a preset's own signature says. */
export const MIN_DISTINCTIVE_HEADERS = 3;
/** How far ahead of the runner-up the best preset must score. */
export const MIN_MARGIN = 0.15;

export interface SourceRecognition {
  preset: SourcePreset;
  /** 0..1: 60% the share of known headers, 40% the tool-specific headers found (6 or more = full). */
  score: number;
  /** "This looks like a Shopify customers export." */
  message: string;
}

interface PresetFit {
  preset: SourcePreset;
  score: number;
  qualifies: boolean;
}

const knownKeysCache = new WeakMap<SourcePreset, Set<string>>();
function knownKeys(preset: SourcePreset): Set<string> {
  let keys = knownKeysCache.get(preset);
  if (!keys) {
    keys = new Set(
      [
        ...preset.columns.flatMap((c) => c.headers),
        ...preset.ignoredHeaders,
        ...preset.signature.distinctive,
      ].map(headerKey),
    );
    knownKeysCache.set(preset, keys);
  }
  return keys;
}

function fit(preset: SourcePreset, headers: readonly string[], keys: readonly string[]): PresetFit {
  const known = knownKeys(preset);
  const distinctive = new Set(preset.signature.distinctive.map(headerKey));
  const distinctiveFound = keys.filter((k) => distinctive.has(k)).length;
  const knownShare = keys.length === 0 ? 0 : keys.filter((k) => known.has(k)).length / keys.length;
  const findsEmail = headers.some((h) => {
    const target = matchPresetColumn(preset, h)?.column.target;
    return target?.kind === 'field' && target.field === 'email';
  });
  const score = 0.6 * knownShare + 0.4 * Math.min(1, distinctiveFound / 6);
  const qualifies =
    findsEmail &&
    knownShare >= MIN_KNOWN_SHARE &&
    distinctiveFound >= Math.max(MIN_DISTINCTIVE_HEADERS, preset.signature.minDistinctive);
  return { preset, score, qualifies };
}

/** The built-in preset this header row belongs to, or null when no preset clearly fits. */
export function recognizeSourceExport(
  headers: readonly string[],
  presets: readonly SourcePreset[] = BUILT_IN_PRESETS,
): SourceRecognition | null {
  const keys = [...new Set(headers.map(headerKey).filter((k) => k.length > 0))];
  if (keys.length === 0) return null;
  const fits = presets.map((p) => fit(p, headers, keys)).sort((a, b) => b.score - a.score);
  const best = fits[0];
  if (!best || !best.qualifies) return null;
  const runnerUp = fits[1];
  if (runnerUp && best.score - runnerUp.score < MIN_MARGIN) return null;
  return {
    preset: best.preset,
    score: Math.round(best.score * 1000) / 1000,
    message: `This looks like a ${best.preset.name} export.`,
  };
}
