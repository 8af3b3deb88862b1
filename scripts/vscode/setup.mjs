// Installs what the integration and browser tests need, if missing: Debian's Chromium (and code-server's
// build needs), and code-server for VS Code 1.100 and the latest into .cache/.
import { VSCODE, ensureCodeServer, ensureDebianPackages } from './tools.mjs';

ensureDebianPackages();
for (const { codeServer } of Object.values(VSCODE)) ensureCodeServer(codeServer);
