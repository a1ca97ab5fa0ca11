tern_add_test(model_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/model_reference_test.cpp ${CMAKE_CURRENT_LIST_DIR}/model_session_test.cpp
  LIBS tern_engine_internal)
