#!/usr/bin/env node
// The `gatehouse` command. Runs the TypeScript sources through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('../server/src/appliance/cli.ts');
