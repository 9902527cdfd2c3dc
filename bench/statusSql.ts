/**
 * The bench's baseline for issue 5: the status computation written as one plain SQL query over
 * the same tables, counting (requirement, status) pairs as of :asOf. It follows the engine's
 * rules (statusEngine.ts) with two simplifications a single query makes natural, both of
 * which make it cheaper, never dearer: people are scoped by their current version only (no
 * role history), and `all`-of and minimum course versions are not modelled (no pack uses them).
 * SQLite's date('+N months') overflows month ends (31 January + 1 month = 3 March) where the
 * engine clamps, so counts can differ by those few days; and evidence reviews are not read
 * (rejected evidence counts as present). It reads completions as stored (migration 80: by
 * person and course keys), as the engine does.
 */
export const STATUS_SQL = `
WITH req AS (
  SELECT r.requirement_id AS rid,
         r.rule ->> '$.recurrenceMonths' AS months,
         r.rule ->> '$.graceDays' AS grace,
         r.rule ->> '$.newHireDays' AS new_hire,
         r.rule ->> '$.courses.minScore' AS min_score,
         r.rule ->> '$.evidence.required' AS evidence_required,
         r.rule -> '$.appliesTo' AS applies,
         r.rule -> '$.courses.codes' AS codes
  FROM requirements r JOIN frameworks f ON f.id = r.framework_id AND f.enabled = 1
  WHERE r.current = 1 AND r.withdrawn = 0
),
req_course AS (
  SELECT req.rid, co.course_id, f.row_id AS course_key, co.pass_mark
  FROM req, json_each(req.codes) j JOIN courses co ON co.current = 1 AND lower(co.code) = lower(j.value)
  JOIN courses f ON f.course_id = co.course_id AND f.version = 1
),
person AS (
  SELECT p.person_id, f.row_id AS person_key, p.hire_date, p.termination_date, lower(u.name) AS unit, lower(jr.name) AS role, lower(p.site) AS site
  FROM people p JOIN people f ON f.person_id = p.person_id AND f.version = 1
  LEFT JOIN org_units u ON u.id = p.org_unit_id LEFT JOIN job_roles jr ON jr.id = p.job_role_id
  WHERE p.current = 1
),
pair AS (
  SELECT pe.person_id, pe.hire_date, req.*,
    CASE
      WHEN pe.hire_date > :asOf THEN 'hired_after'
      WHEN pe.termination_date < :asOf THEN 'left_before'
      WHEN (json_array_length(req.applies, '$.units') > 0 AND NOT EXISTS (SELECT 1 FROM json_each(req.applies, '$.units') WHERE lower(value) = pe.unit))
        OR (json_array_length(req.applies, '$.roles') > 0 AND NOT EXISTS (SELECT 1 FROM json_each(req.applies, '$.roles') WHERE lower(value) = pe.role))
        OR (json_array_length(req.applies, '$.sites') > 0 AND NOT EXISTS (SELECT 1 FROM json_each(req.applies, '$.sites') WHERE lower(value) = pe.site))
        THEN 'not_in_scope'
    END AS na
  FROM person pe CROSS JOIN req
),
attempt AS (
  SELECT rc.rid, pe.person_id, c.completed_on,
    min(coalesce(c.expires_on, '9999-12-31'), CASE WHEN req.months IS NULL THEN '9999-12-31' ELSE date(c.completed_on, '+' || req.months || ' months') END) AS due,
    EXISTS (SELECT 1 FROM evidence_links el WHERE el.target_kind = 'completion' AND el.target_id = c.completion_id) AS has_evidence,
    CASE WHEN c.passed = 0 THEN 0
         WHEN req.min_score IS NOT NULL AND c.score IS NOT NULL THEN c.score >= req.min_score
         WHEN c.passed IS NULL AND c.score IS NOT NULL AND rc.pass_mark IS NOT NULL THEN c.score >= rc.pass_mark
         ELSE 1 END AS ok
  FROM completion_versions c
  JOIN req_course rc ON rc.course_key = c.course_key
  JOIN req ON req.rid = rc.rid
  JOIN person pe ON pe.person_key = c.person_key
  WHERE c.current = 1 AND c.completed_on <= :asOf AND (pe.hire_date IS NULL OR c.completed_on >= pe.hire_date)
),
ranked AS (
  SELECT attempt.*,
    row_number() OVER (PARTITION BY rid, person_id ORDER BY ok DESC, completed_on DESC) AS pass_rank,
    row_number() OVER (PARTITION BY rid, person_id ORDER BY completed_on DESC, ok ASC) AS attempt_rank
  FROM attempt
),
latest AS (
  SELECT rid, person_id,
    max(CASE WHEN pass_rank = 1 AND ok THEN completed_on END) AS last_pass,
    max(CASE WHEN pass_rank = 1 AND ok THEN due END) AS due,
    max(CASE WHEN pass_rank = 1 AND ok THEN has_evidence END) AS has_evidence,
    max(CASE WHEN attempt_rank = 1 THEN completed_on END) AS last_attempt,
    max(CASE WHEN attempt_rank = 1 THEN ok END) AS last_ok
  FROM ranked GROUP BY rid, person_id
),
judged AS (
  SELECT pair.rid, pair.grace, pair.new_hire, pair.evidence_required, pair.hire_date, l.last_pass, l.due, l.has_evidence, l.last_attempt, l.last_ok
  FROM pair LEFT JOIN latest l ON l.rid = pair.rid AND l.person_id = pair.person_id
  WHERE pair.na IS NULL
)
SELECT rid, status, count(*) AS n FROM (
  SELECT rid,
    CASE
      WHEN last_pass IS NULL AND last_ok = 0 THEN 'failed'
      WHEN last_pass IS NULL AND :asOf <= date(coalesce(hire_date, :asOf), '+' || new_hire || ' days') THEN 'not_applicable'
      WHEN last_pass IS NULL THEN 'never_trained'
      WHEN due >= :asOf AND evidence_required AND NOT has_evidence THEN 'missing_evidence'
      WHEN due >= :asOf AND due <= date(:asOf, '+30 days') THEN 'due_soon'
      WHEN due >= :asOf THEN 'compliant'
      WHEN last_ok = 0 AND last_attempt > last_pass THEN 'failed'
      WHEN :asOf <= date(due, '+' || grace || ' days') THEN 'overdue'
      ELSE 'expired'
    END AS status
  FROM judged
  UNION ALL
  SELECT rid, 'not_applicable' FROM pair WHERE na IS NOT NULL
) GROUP BY rid, status ORDER BY rid, status
`;
