import { version } from '../../package.json';

export const APP_NAME = 'Custodian';
/** The application version, from package.json at build time. */
export const APP_VERSION: string = version;
