/**
 * Is a profile as Crisp holds it now the same as an image (what it held before the import, or
 * what the import left)? Segments compare as sets (case aside), an empty notepad as none,
 * objects by value whatever their key order.
 */
import { sameJson } from '../contact-planning/profile-merge';
import type { PeopleProfile } from '../crisp-client';
import type { ImageData, ImageProfile } from './undo-images';

export function sameProfile(now: PeopleProfile, image: ImageProfile): boolean {
  return (
    sameJson(now.person, image.person) &&
    sameJson(now.company, image.company) &&
    sameJson(segmentSet(now.segments), segmentSet(image.segments)) &&
    (now.notepad ?? '') === (image.notepad ?? '')
  );
}

export function sameData(now: ImageData, image: ImageData): boolean {
  return sameJson(now, image);
}

function segmentSet(segments: readonly string[]): string[] {
  return [...new Set(segments.map((s) => s.trim().toLowerCase()))].sort();
}
