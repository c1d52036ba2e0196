"""Series: sessions grouped as a course (one registration covers them all) or a recurring program (each session
registered on its own). Each session is a real event; its series is a column on the event."""
