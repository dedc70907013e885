#!/usr/bin/env node
import { cli } from '../dist/main.js';

await cli();
