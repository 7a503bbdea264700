// PLACEHOLDER while the book page is written (a helper owns this file).
import type { BookSummary } from './book-summary.js';
export function renderBookPage(s: BookSummary): string { return `<!doctype html><title>${s.scenario.name}</title>`; }
export function renderLeaderboardSnippet(s: BookSummary): string { return `<div>${s.leaderboard.length}</div>`; }
