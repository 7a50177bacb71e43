/** The application menu: File (open a file, new import), View, Window and Help. */
import { Menu, app, type MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../../shared/ipc-contract';

export interface AppMenuActions {
  command(command: MenuCommand): void;
  openFile(): void;
  openHelp(): void;
}

export function installAppMenu(actions: AppMenuActions): void {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac
      ? [
          {
            label: app.name,
            submenu: [
              { role: 'about' as const },
              { type: 'separator' as const },
              {
                label: 'Settings…',
                accelerator: 'CmdOrCtrl+,',
                click: () => actions.command('show-settings'),
              },
              { type: 'separator' as const },
              { role: 'hide' as const },
              { role: 'hideOthers' as const },
              { role: 'unhide' as const },
              { type: 'separator' as const },
              { role: 'quit' as const },
            ],
          },
        ]
      : []),
    {
      label: 'File',
      submenu: [
        {
          label: 'New Import',
          accelerator: 'CmdOrCtrl+N',
          click: () => actions.command('new-import'),
        },
        { label: 'Open CSV File…', accelerator: 'CmdOrCtrl+O', click: () => actions.openFile() },
        { type: 'separator' },
        { label: 'Imports', click: () => actions.command('show-imports') },
        { label: 'Presets', click: () => actions.command('show-presets') },
        { label: 'Connections', click: () => actions.command('show-connections') },
        ...(isMac
          ? []
          : [
              { type: 'separator' as const },
              {
                label: 'Settings',
                accelerator: 'CmdOrCtrl+,',
                click: () => actions.command('show-settings'),
              },
              { type: 'separator' as const },
              { role: 'quit' as const },
            ]),
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        { role: 'toggleDevTools', visible: !app.isPackaged },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [{ label: 'Crisp REST API guide', click: () => actions.openHelp() }],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
