export {
  CalendarOutOfRangeError,
  KNOWN_CALENDAR_YEARS,
  addWorkingDays,
  isWorkingDay,
  workingDaysBetween,
} from './working-days';
export {
  BUILT_IN_CALENDAR,
  BUILT_IN_CALENDAR_SOURCE,
  BUILT_IN_CALENDAR_YEARS,
  OfficialCalendar,
  type CalendarSource,
  type CalendarVersions,
  type CalendarYear,
  type Deadline,
} from './official-calendar';
export {
  decideCalendar,
  calendarStreamId,
  calendarYearOf,
  CALENDAR_STREAM_PREFIX,
  type OfficialCalendarRecorded,
  type RecordOfficialCalendar,
} from './calendar-year';
export { endOfShanghaiDay, startOfShanghaiDay, toShanghaiDate } from './shanghai-time';
export { addCalendarDays, dayOfWeek, isIsoDate, parseIsoDate } from './iso-date';
