@echo off
rem codex-mcp launcher (Windows). Point your MCP client at this file.
rem
rem Finds Java (JAVA_HOME, then PATH), refuses Java older than 17, starts the server with the JVM
rem options that make it start fast and stay small, and keeps a class-data archive per user, jar
rem and JDK in %LOCALAPPDATA%\codex-mcp\cds.
rem
rem stdout carries the MCP protocol: every message here goes to stderr (1>&2).
rem
rem Environment: JAVA_HOME, CODEX_MCP_JAVA_OPTS (extra JVM options), CODEX_MCP_CDS=off (no
rem class-data archive), CODEX_MCP_CACHE_DIR (cache folder), CODEX_MCP_LOG_LEVEL=debug.
setlocal EnableExtensions DisableDelayedExpansion

for %%I in ("%~dp0..") do set "APP=%%~fI"
set "JAR=%APP%\lib\codex-mcp.jar"
if not exist "%JAR%" goto nojar

set "JAVA="
if defined JAVA_HOME goto javahome
for %%J in (java.exe) do set "JAVA=%%~$PATH:J"
if not defined JAVA goto nojava
goto version
:javahome
rem JAVA_HOME is sometimes set with quotes around it: they are not part of the path.
set "JAVA_HOME=%JAVA_HOME:"=%"
set "JAVA=%JAVA_HOME%\bin\java.exe"
if not exist "%JAVA%" goto badjavahome

:version
rem The version from the installation's release file (no JVM start), else from java -version.
for %%J in ("%JAVA%") do set "JDK=%%~dpJ.."
set "VERSION="
set "RUNTIME="
if not exist "%JDK%\release" goto askjava
for /f "usebackq tokens=1,* delims==" %%A in ("%JDK%\release") do (
  if "%%A"=="JAVA_VERSION" set "VERSION=%%~B"
  if "%%A"=="JAVA_RUNTIME_VERSION" set "RUNTIME=%%~B"
)
:askjava
rem FOR /F runs the command with cmd /c, which drops the first and the last quote of a command
rem line whose one quoted part holds a special character such as the parentheses of
rem "Program Files (x86)": the escaped outer pair (^") is the pair it drops.
if not defined VERSION for /f "tokens=2,3" %%U in ('^""%JAVA%" -version 2^>^&1^"') do (
  if "%%U"=="version" if not defined VERSION set "VERSION=%%~V"
)
if not defined VERSION goto noversion
if not defined RUNTIME set "RUNTIME=%VERSION%"
for /f "tokens=1,2 delims=._-+" %%A in ("%VERSION%") do (
  set "MAJOR=%%A"
  set "MINOR=%%B"
)
if "%MAJOR%"=="1" set "MAJOR=%MINOR%"
set /a MAJOR=%MAJOR% 2>nul
if %MAJOR% LSS 17 goto oldjava
if /i "%CODEX_MCP_LOG_LEVEL%"=="debug" echo codex-mcp: java: %JAVA% (Java %VERSION%) 1>&2

set "OPTS=-Xlog:disable -Xlog:all=warning:stderr -Xlog:cds*=error:stderr -XX:+DisplayVMOutputToStderr -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k -Xmn8m -Xms32m -XX:-UsePerfData"
set "CDS="
if /i "%CODEX_MCP_CDS%"=="off" goto run
set "CACHE=%CODEX_MCP_CACHE_DIR%"
if not defined CACHE if defined LOCALAPPDATA set "CACHE=%LOCALAPPDATA%\codex-mcp"
if not defined CACHE goto run
set "CACHE=%CACHE%\cds"
if not exist "%CACHE%" mkdir "%CACHE%" 2>nul
if not exist "%CACHE%" goto run
rem One archive per install folder, jar (size and time) and JDK build.
for %%I in ("%JAR%") do set "STAMP=%%~zI-%%~tI"
set "KEY=%APP%-%STAMP%-%RUNTIME%"
set "KEY=%KEY:\=_%"
set "KEY=%KEY:/=%"
set "KEY=%KEY::=%"
set "KEY=%KEY: =_%"
set "KEY=%KEY:+=%"
set "KEY=%KEY:(=%"
set "KEY=%KEY:)=%"
set "ARCHIVE=%CACHE%\codex-mcp-%KEY%.jsa"
rem Archives mapped where they were written need no relocation at every start (Java 17 to 25).
if %MAJOR% LEQ 25 set "OPTS=%OPTS% -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0"
if %MAJOR% LSS 19 goto cds17
rem The JVM checks the archive itself and writes a new one at exit when it is missing or stale.
set CDS="-XX:SharedArchiveFile=%ARCHIVE%" -XX:+AutoCreateSharedArchive
goto run
:cds17
if not exist "%ARCHIVE%" goto train
set CDS="-XX:SharedArchiveFile=%ARCHIVE%"
goto run
:train
rem None yet: a training run makes it in the background at low priority; this start goes without.
rem It writes a file of its own, renamed into place once complete, so that no start ever maps a
rem half-written archive and two first starts at once do not write into the same file.
set "PARTIAL=%ARCHIVE%.%RANDOM%%RANDOM%.tmp"
start "" /b /low cmd /d /c ^""%JAVA%" "-XX:ArchiveClassesAtExit=%PARTIAL%" %OPTS% -jar "%JAR%" --cds-training ^&^& move /y "%PARTIAL%" "%ARCHIVE%" ^& del "%PARTIAL%"^" <nul >nul 2>&1

:run
"%JAVA%" %OPTS% %CDS% %CODEX_MCP_JAVA_OPTS% -jar "%JAR%" %*
exit /b %ERRORLEVEL%

:nojar
echo codex-mcp: %JAR% is missing; reinstall codex-mcp 1>&2
exit /b 1
:nojava
echo codex-mcp: no Java found: install Java 17 or newer, or set JAVA_HOME 1>&2
exit /b 1
:badjavahome
echo codex-mcp: JAVA_HOME is set to "%JAVA_HOME%", but "%JAVA%" does not exist; set JAVA_HOME to a Java 17 or newer installation 1>&2
exit /b 1
:noversion
echo codex-mcp: cannot tell the version of "%JAVA%"; codex-mcp needs Java 17 or newer 1>&2
exit /b 1
:oldjava
echo codex-mcp: codex-mcp needs Java 17 or newer, but "%JAVA%" is Java %VERSION%; install a newer Java or set JAVA_HOME to one 1>&2
exit /b 1
