/** Loads every system call family into the table (each module registers its calls when imported). */
import "./fs.js";
import "./mm.js";
import "./info.js";
import "./time.js";
import "./proc.js";
import "./futex.js";
import "./thread.js";
import "./wait.js";
import "./exec.js";
import "./io.js";
import "./net.js";
import "./signal.js";
import "./timerfd.js";
import "./creds.js";
import "./fileops.js";
import "./posix-timer.js";
import "./signalfd.js";
