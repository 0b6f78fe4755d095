'use client';

import { createContext } from 'react';

/** Opens the project's guidelines over the labeling page; null where the project has none (the `?` sheet then shows no section). */
export const OpenGuidelines = createContext<(() => void) | null>(null);
