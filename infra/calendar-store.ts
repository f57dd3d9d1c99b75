/**
 * The imported years of the working-day calendar (table calendar_years, migration 004), and the loader that gives
 * the years a launch cuts its calendar slice from: the data package's, with the imported ones in their place.
 */
import type { Pool } from 'pg';
import { mergeCalendarYears, packageCalendarYears } from '../domain/calendar-years';
import type { YearDates } from '../domain/working-days';
import { withTransaction } from './postgres';

/** An imported year, with where and when it was imported from. */
export interface ImportedCalendarYear extends YearDates {
  fileName: string;
  importedAt: Date;
}

interface Row {
  year: number;
  holidays: string[];
  workdays: string[];
  names: Record<string, string>;
  source: string;
  file_name: string;
  imported_at: Date;
}

// Dates go out as ISO text whatever the server's DateStyle, and never through a JavaScript Date (a time zone).
const SELECT = `
  SELECT year,
         ARRAY(SELECT to_char(d, 'YYYY-MM-DD') FROM unnest(holidays) AS d ORDER BY d) AS holidays,
         ARRAY(SELECT to_char(d, 'YYYY-MM-DD') FROM unnest(workdays) AS d ORDER BY d) AS workdays,
         names, source, file_name, imported_at
  FROM calendar_years`;

function fromRow(row: Row): ImportedCalendarYear {
  return {
    year: row.year,
    holidays: row.holidays,
    workdays: row.workdays,
    source: row.source,
    ...(Object.keys(row.names).length > 0 ? { names: row.names } : {}),
    fileName: row.file_name,
    importedAt: row.imported_at,
  };
}

/**
 * Stores a year read from a calendar file, replacing that year's earlier import in the same transaction, and says
 * what it replaced, so the command can tell the coordinator.
 */
export async function saveCalendarYear(
  pool: Pool,
  year: YearDates,
  fileName: string,
): Promise<{ replaced?: ImportedCalendarYear; saved: ImportedCalendarYear }> {
  return withTransaction(pool, async (client) => {
    const before = await client.query<Row>(`${SELECT} WHERE year = $1 FOR UPDATE`, [year.year]);
    await client.query(
      `INSERT INTO calendar_years (year, holidays, workdays, names, source, file_name, imported_at)
       VALUES ($1, $2::date[], $3::date[], $4::jsonb, $5, $6, now())
       ON CONFLICT (year) DO UPDATE SET holidays = EXCLUDED.holidays, workdays = EXCLUDED.workdays,
         names = EXCLUDED.names, source = EXCLUDED.source, file_name = EXCLUDED.file_name,
         imported_at = EXCLUDED.imported_at`,
      [year.year, year.holidays, year.workdays, JSON.stringify(year.names ?? {}), year.source, fileName],
    );
    const after = await client.query<Row>(`${SELECT} WHERE year = $1`, [year.year]);
    const replaced = before.rows[0];
    return { saved: fromRow(after.rows[0]!), ...(replaced ? { replaced: fromRow(replaced) } : {}) };
  });
}

/** Every imported year, ascending. */
export async function importedCalendarYears(pool: Pool): Promise<ImportedCalendarYear[]> {
  const { rows } = await pool.query<Row>(`${SELECT} ORDER BY year`);
  return rows.map(fromRow);
}

/**
 * The calendar years a launch uses: the data package's years, each replaced by the imported year of the same number
 * when there is one, ascending. Pass them to `calendarSlice`.
 */
export async function loadCalendarYears(pool: Pool): Promise<YearDates[]> {
  const imported = (await importedCalendarYears(pool)).map(
    ({ fileName: _file, importedAt: _at, ...year }): YearDates => year,
  );
  return mergeCalendarYears(packageCalendarYears(), imported);
}
