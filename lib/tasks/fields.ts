import { z } from 'zod';
import { StoredText } from '../protocol/stored';

/** A coordinate in image pixels: finite (NaN and Infinity are refused with the field's name), not absurdly far. */
export const Pixel = z.number({ error: 'must be a number of pixels' })
  .refine(Number.isFinite, 'must be a finite number of pixels')
  .refine((v) => Math.abs(v) <= 1e6, 'must be within a million pixels');

/** A width or height in image pixels. */
export const Extent = Pixel.refine((v) => v > 0, 'must be greater than 0');

export const ClassName = StoredText.trim().min(1, 'must not be empty').max(100);

/** A project's class list: distinct names, at least `min`. */
export const ClassList = (min: number) => z.array(ClassName).min(min, min === 1 ? 'needs at least one class' : `needs at least ${min} classes`).max(200)
  .refine((cs) => new Set(cs).size === cs.length, 'must not name a class twice');

/** A model's confidence in [0, 1]. */
export const Confidence = z.number().refine(Number.isFinite, 'must be a finite number').min(0).max(1);
