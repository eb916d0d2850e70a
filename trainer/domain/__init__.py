"""The day's rules as pure data: what today's plan holds, in what order, and what a grade
decides. Functions of plain records, with no database, no screen and no clock (the caller
passes the study day): the store reads their inputs and writes their outcome, and the
sessions and the statistics call the same functions, so no two places can disagree.

As in Anki's scheduler, deciding is apart from storing: ``plan`` gathers a day like Anki's
v3 queue builder, ``answer`` decides a grade's outcome (its next state, the siblings it
buries, the leech action), ``order`` arranges a session's queue.
"""
