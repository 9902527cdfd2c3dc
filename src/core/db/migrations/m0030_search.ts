import type { Migration } from './migration';

/**
 * Full-text search over current people (names, e-mail, employee id) with SQLite FTS5, kept in
 * step by triggers: a new current version is indexed, a retired one removed. The index lives in
 * the encrypted database like everything else.
 */
export const m0030Search: Migration = {
  version: 30,
  name: 'search',
  up: (db) => {
    db.exec(`
      CREATE VIRTUAL TABLE people_fts USING fts5(
        person_id UNINDEXED,
        text,
        tokenize = 'unicode61 remove_diacritics 2'
      );
      CREATE TRIGGER people_fts_insert AFTER INSERT ON people WHEN NEW.current = 1 BEGIN
        INSERT INTO people_fts (person_id, text) VALUES (
          NEW.person_id,
          concat_ws(' ', NEW.given_name, NEW.family_name, NEW.email, NEW.employee_id, replace(coalesce(NEW.email, ''), '@', ' '))
        );
      END;
      CREATE TRIGGER people_fts_retire AFTER UPDATE OF current ON people WHEN OLD.current = 1 AND NEW.current = 0 BEGIN
        DELETE FROM people_fts WHERE person_id = OLD.person_id;
      END;
      INSERT INTO people_fts (person_id, text)
        SELECT person_id, concat_ws(' ', given_name, family_name, email, employee_id, replace(coalesce(email, ''), '@', ' '))
        FROM people WHERE current = 1;
    `);
  },
};
