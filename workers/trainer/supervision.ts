import { ProtocolError } from './client';

/*
 * The contract between a trainer and whatever runs it: `tandem start`'s
 * supervisor (server/trainer-process.ts), a shell loop, a systemd unit.
 */

/** The server refused the worker token (revoked, or unknown to it): no retry with the same token can help. */
export const isTokenRefused = (e: unknown): e is ProtocolError => e instanceof ProtocolError && e.status === 401;

/**
 * The exit code of a trainer whose token was refused (sysexits' EX_CONFIG):
 * whatever runs it must not start it again with the same token.
 */
export const TOKEN_REFUSED_EXIT = 78;

/** Set to 1 by `tandem start` on the trainer it runs: the supervisor, not the trainer, tells the user what to do. */
export const SUPERVISED_TRAINER_ENV = 'TANDEM_TRAINER_SUPERVISED';
