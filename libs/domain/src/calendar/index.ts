export {
  CalendarOutOfRangeError,
  KNOWN_CALENDAR_YEARS,
  addWorkingDays,
  isWorkingDay,
  workingDaysBetween,
} from './working-days';
export { endOfShanghaiDay, startOfShanghaiDay, toShanghaiDate } from './shanghai-time';
export { addCalendarDays, dayOfWeek, isIsoDate, parseIsoDate } from './iso-date';
