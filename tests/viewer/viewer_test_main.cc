// One QApplication for the whole run, made as dynamus-view makes it (the VTK surface format
// first), since the window tests need one and Qt allows only one.
#include <QVTKOpenGLNativeWidget.h>
#include <gtest/gtest.h>

#include <QApplication>
#include <QSurfaceFormat>

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  QSurfaceFormat::setDefaultFormat(QVTKOpenGLNativeWidget::defaultFormat());
  QApplication app(argc, argv);
  return RUN_ALL_TESTS();
}
