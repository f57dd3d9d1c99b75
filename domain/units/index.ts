/** The unit directory (单位名录): offices, their other names and their groups; pure. */
export {
  DirectoryConflictError,
  UnitDirectory,
  directoryConflicts,
  groupKey,
  unitKey,
  type DirectoryConflict,
  type DirectoryGroup,
  type DirectoryUnit,
  type UnitMatch,
} from './directory';
export {
  DIRECTORY_COLUMNS,
  DirectoryTableError,
  NAME_SEPARATOR,
  diffDirectory,
  directoryToRows,
  readDirectoryTable,
  type DirectoryColumn,
  type DirectoryDiff,
  type DirectoryProblem,
} from './directory-table';
