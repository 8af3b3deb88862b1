// Every rule, by code. Adding a rule: a file beside these, one line here, a section in the README.
import type { Rule, RuleCode } from '../rule';
import { LL001 } from './ll001';
import { LL002 } from './ll002';
import { LL003 } from './ll003';
import { LL004 } from './ll004';
import { LL005 } from './ll005';
import { LL006 } from './ll006';
import { LL007 } from './ll007';
import { LL008 } from './ll008';

export const RULES: Record<RuleCode, Rule> = { LL001, LL002, LL003, LL004, LL005, LL006, LL007, LL008 };
