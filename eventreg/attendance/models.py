from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from eventreg.core.extensions import db
from eventreg.timezones import UTCDateTime


class AttendanceImport(db.Model):
    """One uploaded attendance report, kept between its preview and "Apply": the file, what was read from it
    (rows as JSON), and when it was applied. Applying uses these rows, exactly what the preview showed."""

    __tablename__ = "attendance_imports"
    __table_args__ = (sa.Index("ix_attendance_imports_host_id_columns_key", "host_id", "columns_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    host_id: Mapped[int | None] = mapped_column(sa.ForeignKey("hosts.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(sa.String(255))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)  # kept until a generic CSV's columns are mapped
    format: Mapped[str] = mapped_column(sa.String(30))
    encoding: Mapped[str] = mapped_column(sa.String(30))
    delimiter: Mapped[str] = mapped_column(sa.String(1))
    zone: Mapped[str] = mapped_column(sa.String(64))  # the IANA zone the report's times were read in
    columns: Mapped[list] = mapped_column(sa.JSON)  # the attendee table's header row
    columns_key: Mapped[str] = mapped_column(sa.String(64))  # reports.Report.columns_key
    mapping: Mapped[dict | None] = mapped_column(sa.JSON)  # generic CSVs: the host's choice of columns
    rows: Mapped[list | None] = mapped_column(sa.JSON)  # reports.Row.to_json() each; None until mapped
    warnings: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<AttendanceImport {self.id} event={self.event_id} {self.format}>"

    @property
    def is_read(self) -> bool:
        return self.rows is not None
