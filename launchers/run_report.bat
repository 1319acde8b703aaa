@echo off
chcp 65001 >nul
setlocal
rem run_report.bat: double-click to make the monthly report (Windows). Guide: README.md here.
rem Saved as UTF-8 without BOM and CRLF line endings; chcp 65001 comes before any Japanese.
rem
rem First run: creates the venv .reporter-venv in the project folder (the folder with
rem pyproject.toml, one up from here) and installs the reporter into it. Later runs reuse it
rem and reinstall only when pyproject.toml or the reporter folder changed.
rem Every run: reporter report --config reporter.toml --open --log, with the reporter.toml
rem beside this file (else the one in the project folder). On failure: a message, then pause.
rem
rem Arguments: --scheduled (Task Scheduler: do not open the report, never pause); --config FILE
rem (use this config, as reporter schedule passes it); any other argument is passed on to
rem reporter report (e.g. --email).
rem Environment (all optional): REPORTER_ARGS (more options for reporter report),
rem REPORTER_PYTHON (the python.exe that creates the venv), REPORTER_VENV (the venv folder),
rem REPORTER_VENV_ARGS (more options for python -m venv), REPORTER_PIP_ARGS (for pip install).
rem Exit code: the reporter's (0 done, 1 findings at or above --fail-on, 2 bad config or
rem register, 3 report not written or sent, 70 a bug in the reporter); 4 Python or the
rem install failed.

set "HERE=%~dp0"
for %%I in ("%~dp0..") do set "ROOT=%%~fI"
if "%ROOT:~-1%"=="\" set "ROOT=%ROOT%."
set "VENV=%ROOT%\.reporter-venv"
if defined REPORTER_VENV set "VENV=%REPORTER_VENV%"
set "VPY=%VENV%\Scripts\python.exe"
set "STAMP=%VENV%\reporter-stamp.txt"
rem A hash of pyproject.toml and the reporter folder: the installed copy is stale when it changes.
set "STAMP_PY=import hashlib, pathlib, sys; r = pathlib.Path(sys.argv[1]); h = hashlib.sha256(); [h.update(p.relative_to(r).as_posix().encode() + bytes(1) + p.read_bytes()) for p in sorted([r / 'pyproject.toml', *r.glob('reporter/**/*')]) if p.is_file() and '__pycache__' not in p.parts]; print(h.hexdigest())"
set "PYCHECK=import sys, venv; sys.exit(sys.version_info < (3, 11))"
set "EXTRA=%REPORTER_ARGS%"
set "VENV_ARGS=%REPORTER_VENV_ARGS%"
set "PIP_ARGS=%REPORTER_PIP_ARGS%"
set "SCHEDULED="
set "OPEN=--open"
set "ARGS="
set "GIVEN_CONFIG="
set "RC=0"
pushd "%HERE%"

:args
if "%~1"=="" goto args_done
if /i "%~1"=="--scheduled" goto arg_scheduled
if /i "%~1"=="--config" goto arg_config
set "ARGS=%ARGS% %1"
shift /1
goto args

rem The config to use: reporter schedule passes the one the task was made from.
:arg_config
set "GIVEN_CONFIG=%~2"
shift /1
shift /1
goto args

:arg_scheduled
set "SCHEDULED=1"
set "OPEN="
shift /1
goto args

:args_done

rem 1. The config: the one given with --config, else beside this file, else in the project folder.
if defined GIVEN_CONFIG goto config_given
set "CONFIG=%HERE%reporter.toml"
set "PROJECT_CONFIG=%ROOT%\reporter.toml"
if exist "%CONFIG%" goto venv
if not exist "%PROJECT_CONFIG%" goto make_config
set "CONFIG=%PROJECT_CONFIG%"
goto venv

:config_given
set "CONFIG=%GIVEN_CONFIG%"
if exist "%GIVEN_CONFIG%" goto venv
set "RC=2"
echo.
echo 指定された設定ファイルが見つかりません: "%CONFIG%"
echo ファイルを移動した場合は、reporter schedule で自動実行を登録し直してください。
echo English: the config file given with --config does not exist: "%CONFIG%"
goto finish

:make_config
set "RC=2"
copy /y "%ROOT%\templates\reporter.toml" "%CONFIG%" >nul 2>&1
if errorlevel 1 goto no_template
echo.
echo 設定ファイルがなかったので、ひな形を作りました: "%CONFIG%"
echo メモ帳で開き、register(台帳の場所)と output_dir(レポートの保存先)を書き換えてから、
echo もう一度このファイルをダブルクリックしてください。
echo English: there was no config file, so a template was written to "%CONFIG%".
echo Edit register and output_dir in it, then run this again.
goto finish

:no_template
echo.
echo 設定ファイル reporter.toml がなく、ひな形もコピーできませんでした。
echo English: no reporter.toml, and the template could not be copied to "%HERE%".
goto finish

rem 2. The venv: create it (again) when it is missing or its Python no longer runs.
:venv
if not exist "%VPY%" goto make_venv
"%VPY%" -c "import sys" >nul 2>&1 || goto make_venv
goto install_check

:make_venv
if defined REPORTER_PYTHON goto python_from_env
py -3 -c "%PYCHECK%" >nul 2>&1 && goto python_py
python -c "%PYCHECK%" >nul 2>&1 && goto python_python
goto no_python

:python_from_env
set "PY=%REPORTER_PYTHON%"
"%PY%" -c "%PYCHECK%" >nul 2>&1
if errorlevel 1 goto no_python
goto create_venv

rem PY is the interpreter's full path, so that it is run quoted (a path with spaces).
:python_py
for /f "delims=" %%P in ('py -3 -c "import sys; print(sys.executable)"') do set "PY=%%P"
goto create_venv

:python_python
for /f "delims=" %%P in ('python -c "import sys; print(sys.executable)"') do set "PY=%%P"
goto create_venv

:create_venv
echo 初回の準備: Python の環境を作っています… / First run: creating the Python environment in "%VENV%"
"%PY%" -m venv --clear %VENV_ARGS% "%VENV%"
if errorlevel 1 goto venv_failed

rem 3. Install the reporter when it is not installed or the project changed.
:install_check
"%VPY%" -c "%STAMP_PY%" "%ROOT%" >"%VENV%\stamp-now.txt" || goto install_failed
set "WANT="
set "HAVE="
set /p WANT=<"%VENV%\stamp-now.txt"
if exist "%STAMP%" set /p HAVE=<"%STAMP%"
if not exist "%VENV%\Scripts\reporter.exe" goto install
if "%WANT%"=="%HAVE%" goto run

:install
echo reporter をインストールしています(数分かかることがあります)… / Installing the reporter…
"%VPY%" -m pip install --disable-pip-version-check %PIP_ARGS% "%ROOT%[keyring]"
if errorlevel 1 goto install_failed
copy /y "%VENV%\stamp-now.txt" "%STAMP%" >nul
if errorlevel 1 goto install_failed

rem 4. The report.
:run
"%VENV%\Scripts\reporter.exe" report --config "%CONFIG%" %OPEN% --log %EXTRA% %ARGS%
set "RC=%ERRORLEVEL%"
if "%RC%"=="0" goto finish
if "%RC%"=="1" goto failed_findings
if "%RC%"=="3" goto failed_output
if "%RC%"=="70" goto failed_bug
echo.
echo レポートを作れませんでした。上のメッセージを確認してください。
echo 設定ファイル "%CONFIG%" と台帳を確認してください。
echo English: the report could not be made; see the message above.
goto finish

:failed_findings
echo.
echo レポートは作りましたが、対応が必要な問題があります。上のメッセージを確認してください。
echo English: the report was written, with findings at or above --fail-on.
goto finish

:failed_output
echo.
echo レポートを作れませんでした。上のメッセージを確認してください。
echo レポートを Excel で開いたままなら閉じてから、もう一度実行してください。
echo English: the report could not be written or sent; see the message above.
goto finish

:failed_bug
echo.
echo reporter の不具合で止まりました(台帳や設定の誤りではありません)。
echo 上に表示されたログファイルを、管理者(保守の担当者)に送ってください。
echo English: reporter stopped on a bug of its own, not on your input.
echo Send the log file named above to the maintainer.
goto finish

:no_python
set "RC=4"
echo.
echo Python 3.11 以上が見つかりません。
echo https://www.python.org/downloads/ から Python をダウンロードしてインストールしてください。
echo インストール画面の最初で「Add python.exe to PATH」に必ずチェックを入れてください。
echo インストールが終わったら、もう一度このファイルをダブルクリックしてください。
echo English: Python 3.11 or newer was not found. Install it from https://www.python.org/downloads/
echo and tick "Add python.exe to PATH" on the first screen of the installer, then run this again.
goto finish

:venv_failed
set "RC=4"
echo.
echo Python の環境を作れませんでした。上のメッセージを確認してください。
echo English: could not create the Python environment in "%VENV%"; see the message above.
goto finish

:install_failed
set "RC=4"
echo.
echo reporter をインストールできませんでした。インターネットにつながっているか確認してください。
echo English: could not install the reporter. Check the internet connection and the messages above.
goto finish

:finish
popd
if "%RC%"=="0" goto end
if defined SCHEDULED goto end
echo.
pause

:end
exit /b %RC%
