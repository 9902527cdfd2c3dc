import type { BrowserWindow } from 'electron';
import { dialog, shell } from 'electron';
import type { DialogPort } from '../../core/app/vaultManager';

/** Native folder pickers. The chosen path stays in main; the renderer gets an opaque token. */
export function electronDialogs(window: () => BrowserWindow | undefined): DialogPort {
  /** Modal to our window when there is one; the first path chosen, or null if cancelled. */
  const show = async (options: Electron.OpenDialogOptions): Promise<string | null> => {
    const parent = window();
    const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  };
  return {
    chooseFolder(purpose) {
      const options: Electron.OpenDialogOptions = {
        title: purpose === 'create' ? 'Choose where to create the vault' : 'Choose a .custodian vault folder',
        buttonLabel: purpose === 'create' ? 'Create here' : 'Open vault',
        properties: purpose === 'create' ? ['openDirectory', 'createDirectory'] : ['openDirectory'],
      };
      return show(options);
    },
    chooseFile(purpose) {
      const options: Electron.OpenDialogOptions =
        purpose === 'import'
          ? {
              title: 'Choose an LMS or HR export to import',
              buttonLabel: 'Import',
              properties: ['openFile'],
              filters: [
                { name: 'Spreadsheets and CSV', extensions: ['csv', 'txt', 'xlsx'] },
                { name: 'All files', extensions: ['*'] },
              ],
            }
          : purpose === 'packet'
            ? {
                title: 'Open a received audit packet',
                buttonLabel: 'Open packet',
                properties: ['openFile'],
                filters: [
                  { name: 'Audit packets', extensions: ['zip'] },
                  { name: 'All files', extensions: ['*'] },
                ],
              }
            : {
                title: 'Choose a file to add as evidence',
                buttonLabel: 'Add evidence',
                properties: ['openFile'],
                filters: [
                  { name: 'Documents and images', extensions: ['pdf', 'png', 'jpg', 'jpeg', 'tif', 'tiff', 'txt', 'csv'] },
                  { name: 'All files', extensions: ['*'] },
                ],
              };
      return show(options);
    },
    async chooseSaveFile(suggestedName) {
      const packet = /\.zip(\.age)?$/.test(suggestedName);
      const options: Electron.SaveDialogOptions = {
        title: packet ? 'Save the audit packet' : 'Save the list as CSV',
        buttonLabel: 'Save',
        defaultPath: suggestedName,
        filters: packet ? [{ name: 'Audit packet', extensions: suggestedName.endsWith('.age') ? ['age'] : ['zip'] }] : [{ name: 'CSV', extensions: ['csv'] }],
      };
      const parent = window();
      const result = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
      return result.canceled || result.filePath === '' ? null : result.filePath;
    },
    showInFolder(path) {
      shell.showItemInFolder(path);
      return Promise.resolve();
    },
  };
}
