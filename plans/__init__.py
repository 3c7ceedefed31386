"""Plan import: read a Kế hoạch (plan) document and turn it into the units' tasks.

- `plans.readers`: bytes + file name -> paragraphs and tables (.txt, .md, .docx, .pdf, .xlsx),
  refusing unreadable files with a Vietnamese `PlanReadError` (one module per format:
  `read_docx`, `read_pdf`, `read_xlsx`; shared types in `document`);
- `plans.limits`, `plans.pdf_streams`: what a file may cost, measured before it is expanded;
  `plans.isolated`: a read in a child process with a hard time limit and a memory cap;
- `plans.parser`: the plan's header and tasks (`read_plan`, `ParsedPlan.to_json()` is the
  `nhacviec plan parse` contract), built from `plans.document` (the tree of blocks),
  `plans.block_reader` (lines -> tree, on `plans.block_tree`, the stack and table rows;
  `plans.prose_duties` for a prose plan), `plans.block_shapes` (unit headings, budget
  sections, list introductions), `plans.task_tables`, `plans.plan_header`, `plans.task_extraction`, `plans.plan_deadlines`
  (once-dates) and `plans.plan_regimes` (reporting regimes);
- `plans.matching`: plan unit names -> known units, unknown names listed for the admin;
- `plans.importer`: preview and one-transaction import into the database;
- the scorer against the hand-written expectations lives with them (tests/golden_score.py).

Importing this package reads no settings and opens no connection.
"""
