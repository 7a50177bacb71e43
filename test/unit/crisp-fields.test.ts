import { describe, expect, it } from 'vitest';
import { CRISP_FIELDS, CRISP_FIELD_IDS } from '../../src/shared/crisp-fields';

describe('Crisp field catalogue', () => {
  it('describes every field id exactly once', () => {
    expect(CRISP_FIELDS.map((f) => f.id).sort()).toEqual([...CRISP_FIELD_IDS].sort());
  });
});
