"""Data and helpers the project tests share (conftest.py holds only fixtures)."""
import sqlalchemy as sa

from qualkit.store import schema

P01 = """Interviewer: Could you tell me about your role?

P01: I'm a family physician. I read every draft before it goes out, always.

Interviewer: And the patients?

P01: Some of them think I typed it myself, which worries me a little.
"""

P02 = """Interviewer: What do you optimise for?

P02: Throughput, honestly. How many patients we can move through the clinic.
"""



def dump(project):
    """Every row of every table: to assert that a failed command left the store exactly as it was."""
    with project.store.engine.connect() as conn:
        return {t.name: sorted(map(repr, conn.execute(sa.select(t)).all())) for t in schema.metadata.sorted_tables}
